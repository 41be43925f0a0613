import HTTPTypes
import Hummingbird
import NIOCore

/// CORS for the website origins `serve --allow-origin` names, by Hummingbird's `CORSMiddleware`
/// (`GET`, `POST`, `DELETE` with `Content-Type`, preflight cached 600 s).
///
/// Ours around it because `CORSMiddleware` answers every `OPTIONS` that carries an `Origin` and
/// adds `Vary` for any origin; here a request from another origin is not CORS at all and goes on to
/// the router (so `OPTIONS` from elsewhere stays 405, as documented).
struct AllowedOriginsMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext

    let origins: Set<String>
    let cors = CORSMiddleware<PrivacyRequestContext>(allowOrigin: .originBased, allowHeaders: [.contentType],
                                                     allowMethods: [.get, .post, .delete], maxAge: .seconds(600))

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}

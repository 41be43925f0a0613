import HTTPTypes
import Hummingbird
import Logging

/// Headers every answer carries, CORS for the configured website origins, and an access log line
/// with the route pattern, status and duration only (no address, no id, no body).
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let origin = request.headers[.origin].flatMap { allowedOrigins.contains($0) ? $0 : nil }
        var response: Response
        if request.method == .options, origin != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, DELETE"
            response.headers[.accessControlAllowHeaders] = "Content-Type"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        if let origin {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        let elapsed = (ContinuousClock.now - started).components
        let ms = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        let route = context.endpointPath ?? "unmatched"
        context.logger.debug("\(request.method.rawValue) \(route) \(response.status.code) \(ms) ms")
        return response
    }
}

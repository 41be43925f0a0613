import HTTPTypes
import Hummingbird
import Logging

/// Headers every answer carries (`X-Content-Type-Options`, `Referrer-Policy`) and an access log
/// line with the route pattern, status and duration only (no address, no id, no body).
///
/// Ours because Hummingbird's `LogRequestsMiddleware` logs the request path, which holds consent
/// ids, and has no way to log the route pattern instead.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The clock is read only when the line would be written (debug level).
        let started = context.logger.logLevel <= .debug ? ContinuousClock.now : nil
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if let started {
            let elapsed = (ContinuousClock.now - started).components
            let ms = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
            let route = context.endpointPath ?? "unmatched"
            context.logger.debug("\(request.method.rawValue) \(route) \(response.status.code) \(ms) ms")
        }
        return response
    }
}

import Hummingbird

/// Answers HEAD like GET without the body (RFC 9110 §9.3.2), headers and Content-Length included.
///
/// It wraps the router's responder rather than being a router middleware, because the router picks
/// a route by method before its middlewares run.
struct HeadAsGetResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == PrivacyRequestContext {
    let base: Base

    func respond(to request: Request, context: PrivacyRequestContext) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        let length = response.body.contentLength
        response.body = .init()
        if let length { response.headers[.contentLength] = String(length) }
        return response
    }
}

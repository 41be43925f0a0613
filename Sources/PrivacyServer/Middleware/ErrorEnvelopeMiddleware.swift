import HTTPTypes
import Consent
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Answers every failure with the error envelope. ``APIError`` renders itself (Hummingbird's
/// `HTTPResponseError`); this maps every other error to one first, and tells 404 from 405 with the
/// router's own route list (``RouteMethods``). An unexpected error is logged by its type only
/// (never with request data) and answered 500.
///
/// Ours because Hummingbird renders errors only after the last middleware, so the security headers,
/// CORS and the access log would not see them, and domain errors are not `HTTPResponseError`s.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext

    /// The routes and their methods, for 405 and its `Allow` header.
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try apiError(for: error, request, context).response(from: request, context: context)
        }
    }

    func apiError(for error: any Error, _ request: Request, _ context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ConsentError:
            return APIError(error)
        case is HTTPParserError:
            // A broken chunked body: the framing, not the JSON, is wrong.
            return .malformed("The request body is not valid HTTP/1.1 framing (chunked encoding); nothing was stored.")
        case is NIOTooManyBytesError:
            return RequestDecoding.tooLarge(ServerConfiguration.maxBodyBytesLimit)
        case let error as HTTPError:
            return map(error, request)
        case let error as any HTTPResponseError:
            return APIError(status: error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        default:
            if let condition = StorageCondition(error) {
                context.logger.warning("storage failure", metadata: ["condition": "\(condition.rawValue)"])
                return APIError(condition)
            }
            context.logger.error("request failed", metadata: ["error_type": "\(type(of: error))"])
            return APIError(status: .internalServerError, code: "internal_error",
                            message: "The request could not be completed; nothing was stored. Try again later.")
        }
    }

    func map(_ error: HTTPError, _ request: Request) -> APIError {
        if error.status == .notFound {
            if let methods = routes.methods(at: request.uri.path) {
                let allow = methods.map(\.rawValue).joined(separator: ", ")
                var headers = HTTPFields()
                headers[.allow] = allow
                // HEAD is answered as GET would be (RFC 9110 §9.3.2), so its Content-Length is the GET's.
                let method = request.method == .head ? HTTPRequest.Method.get : request.method
                return APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                message: "\(method.rawValue) is not allowed here; use \(allow).", headers: headers)
            }
            return .notFound("There is nothing at this address.")
        }
        if error.status == .contentTooLarge { return RequestDecoding.tooLarge(ServerConfiguration.maxBodyBytesLimit) }
        let code = error.status.code < 500 ? "bad_request" : "internal_error"
        return APIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase)
    }
}

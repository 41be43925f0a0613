import HTTPTypes
import Consent
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every failure into the error envelope with a fitting status, and tells 404 from 405.
/// An unexpected error is logged by its type only (never with request data) and answered 500.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext

    /// The routes and their methods, for 405 and its `Allow` header.
    let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as ConsentError {
            return APIError(error).response()
        } catch is HTTPParserError {
            // A broken chunked body: the framing, not the JSON, is wrong.
            return APIError.malformed("The request body is not valid HTTP/1.1 framing (chunked encoding); nothing was stored.").response()
        } catch is NIOTooManyBytesError {
            return RequestDecoding.tooLarge(ServerConfiguration.maxBodyBytesLimit).response()
        } catch let error as HTTPError {
            return map(error, request).response()
        } catch let error as any HTTPResponseError {
            return APIError(status: error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase).response()
        } catch let error where StorageCondition(error) != nil {
            let condition = StorageCondition(error)!
            context.logger.warning("storage failure", metadata: ["condition": "\(condition.rawValue)"])
            return APIError(condition).response()
        } catch {
            context.logger.error("request failed", metadata: ["error_type": "\(type(of: error))"])
            return APIError(status: .internalServerError, code: "internal_error",
                            message: "The request could not be completed; nothing was stored. Try again later.").response()
        }
    }

    func map(_ error: HTTPError, _ request: Request) -> APIError {
        if error.status == .notFound {
            let parts = request.uri.path.split(separator: "/")
            if let route = routes.first(where: { matches($0.pattern, parts) }) {
                var headers = HTTPFields()
                headers[.allow] = route.methods.map(\.rawValue).joined(separator: ", ")
                return APIError(status: .methodNotAllowed, code: "method_not_allowed",
                                message: "\(request.method.rawValue) is not allowed here; use \(headers[.allow]!).", headers: headers)
            }
            return .notFound("There is nothing at this address.")
        }
        if error.status == .contentTooLarge { return RequestDecoding.tooLarge(ServerConfiguration.maxBodyBytesLimit) }
        let code = error.status.code < 500 ? "bad_request" : "internal_error"
        return APIError(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase)
    }

    private func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0 == "*" || $0 == $1 }
    }
}

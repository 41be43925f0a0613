import HTTPTypes
import Consent
import Foundation
import Hummingbird

/// Every error the API answers, as `{"error": {"code", "message", "fields"?}}` with a fitting status
/// (Hummingbird's `HTTPResponseError`: a handler throws it, Hummingbird or ``ErrorEnvelopeMiddleware`` renders it).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fields: [String: String]?
    var headers: HTTPFields = [:]

    static func malformed(_ message: String) -> APIError { APIError(status: .badRequest, code: "malformed_request", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, code: "not_found", message: message) }
    /// After the policy's `consent.collect_until`: the banner is no longer shown and no choice is recorded.
    static func collectionEnded(since instant: Date) -> APIError {
        APIError(status: .gone, code: "collection_ended",
                 message: "The programme has ended; consent choices are no longer collected (since \(Timestamp.format(instant))).")
    }
    static func invalid(_ fields: [String: String]) -> APIError {
        let summary = fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        return APIError(status: .unprocessableContent, code: "validation_failed", message: "The request breaks a rule: \(summary).", fields: fields)
    }

    /// Maps a domain error to its HTTP form.
    init(_ error: ConsentError) {
        switch error {
        case .invalid(let field, let message): self = .invalid([field: message])
        case .invalidFields(let fields): self = .invalid(fields)
        case .notFound(let what): self = .notFound("No \(what) exists.".replacingOccurrences(of: " not found", with: ""))
        case .programmeEnded(let at):
            self = APIError(status: .gone, code: "programme_ended",
                            message: "The programme has ended; contact requests are no longer collected (since \(at)). Please visit or call the office instead.")
        case .integrity(let m), .policy(let m), .storage(let m):
            self = APIError(status: .internalServerError, code: "internal_error", message: "The request could not be completed: \(m)")
        }
    }

    /// A full disk, a failing file system or a lock held too long: 503 with `Retry-After`.
    init(_ condition: StorageCondition) {
        var headers = HTTPFields()
        headers[.retryAfter] = String(condition.retryAfterSeconds)
        self.init(status: .serviceUnavailable, code: condition.rawValue,
                  message: "\(condition.explanation); nothing was stored. Try again in \(condition.retryAfterSeconds) s.", headers: headers)
    }

    init(status: HTTPResponse.Status, code: String, message: String, fields: [String: String]? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var fields: [String: String]?
        }
        var error: Body
    }

    /// The envelope, `{"error": {"code", "message", "fields"?}}`, with the status and headers.
    var envelope: Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: envelopeJSON)))
    }

    /// The envelope's bytes, as `JSONEncoder.api` writes them: by hand for the usual texts (an
    /// error should cost less to answer than a success, not more: the encoder was a tenth of a 400),
    /// by the encoder for the rest (control characters, field names other than plain ids).
    var envelopeJSON: [UInt8] {
        if let written = handWrittenEnvelope() { return written }
        let body = Envelope(error: .init(code: code, message: message, fields: fields))
        return [UInt8]((try? JSONEncoder.api.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8))
    }

    /// As ``ConsentState``'s `apiJSON()`: `nil` as soon as a text is one the encoder must write.
    private func handWrittenEnvelope() -> [UInt8]? {
        var w = APIJSONWriter()
        w.out.reserveCapacity(96 + message.utf8.count)
        w.open()
        w.key("error")
        w.open()
        w.key("code"); guard w.string(code) else { return nil }
        if let fields { w.key("fields"); guard w.texts(fields) else { return nil } }
        w.key("message"); guard w.string(message) else { return nil }
        w.close()
        w.close()
        return w.out
    }
}

/// Hummingbird renders a thrown `APIError` itself; a HEAD answer keeps the headers and drops the body.
extension APIError: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        request.method == .head ? envelope.createHeadResponse() : envelope
    }
}

extension JSONEncoder {
    static let api: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}

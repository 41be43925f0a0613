import Foundation
@testable import PrivacyServer
import Testing

@Suite("Error envelope")
struct APIErrorTests {
    /// The envelope as the encoder writes it: what every error answered before it was written by hand.
    static func encoded(_ error: APIError) throws -> [UInt8] {
        [UInt8](try JSONEncoder.api.encode(APIError.Envelope(error: .init(code: error.code, message: error.message, fields: error.fields))))
    }

    @Test("the envelope's bytes are JSONEncoder's for the errors the API answers")
    func usualErrors() throws {
        let errors: [APIError] = [
            .malformed("The body is not valid JSON: expected ':' at byte 17."),
            .notFound("No consent with this id exists."),
            .invalid(["policy_version": "is required", "method": "must be one of accept_all, accept_selection, reject_all, withdraw"]),
            .invalid(["purposes.external_media": "cannot be false with method accept_all", "services.youtube": "unknown service; known: google_maps, youtube"]),
            .invalid(["purposes.Groß": "unknown purpose"]),
            APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                     message: "Send the body as JSON with the header Content-Type: application/json (got 'text/plain; charset=\"latin1\"').")
        ]
        for error in errors { #expect(error.envelopeJSON == (try Self.encoded(error)), "\(error.message)") }
    }

    @Test("random messages and fields (quotes, backslashes, slashes, non-ASCII, control characters) are written as JSONEncoder writes them")
    func randomErrors() throws {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "é", "山", "👩‍👩‍👧", "\u{7f}", "\n", "\u{0}", "\u{1f}", "\u{2028}", "'", ":", ".", "_", "-"]
        let keys = ["body", "policy_version", "purposes.external_media", "services.youtube", "consent_id", "a.b-c_d", "Key", "pürposes", "x y"]
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let message = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            var fields: [String: String]?
            if Bool.random(using: &generator) {
                var f: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    f[keys.randomElement(using: &generator)!] = (0..<Int.random(in: 0...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                }
                fields = f
            }
            let error = APIError(status: .unprocessableContent, code: "validation_failed", message: message, fields: fields)
            #expect(error.envelopeJSON == (try Self.encoded(error)), "\(message) \(fields ?? [:])")
        }
    }
}

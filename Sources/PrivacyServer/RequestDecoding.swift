import NIOCore
import Foundation
import Hummingbird

/// Reads a JSON body the strict way: content type (415), size (413, before reading it whole),
/// syntax, depth and duplicate keys (400), then types and required fields (422, naming the field).
/// One pass: ``StrictJSON`` parses and checks, ``StrictJSONDecoder`` hands the value to the type.
enum RequestDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: PrivacyRequestContext) async throws -> T {
        try checkContentType(request.headers.value(of: .contentType))
        let limit = ServerConfiguration.maxBodyBytesLimit
        if let length = request.headers.value(of: .contentLength).flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        }
        let bytes = Array(buffer.readableBytesView)
        let object: [String: StrictJSON.Value]
        do {
            object = try StrictJSON.parse(bytes)
        } catch .notAnObject {
            throw APIError.malformed("The body must be a JSON object.")
        } catch .tooDeep {
            throw APIError.malformed("The JSON is nested deeper than \(StrictJSON.maxDepth) levels.")
        } catch .duplicateKey(let key) {
            throw APIError.malformed("The key \"\(key.prefix(64))\" appears twice in one object.")
        } catch .syntax(let offset, let reason) {
            throw APIError.malformed("The body is not valid JSON: \(reason) at byte \(offset).")
        }
        do {
            if let body = T.self as? any StrictJSONBody.Type { return try body.init(strict: object) as! T }
            return try StrictJSONDecoder.decode(T.self, from: object)
        } catch let error as DecodingError {
            throw map(error)
        }
    }

    /// 415 unless the body is declared as JSON (`application/json`, parameters allowed) in UTF-8
    /// (no `charset`, or `utf-8`/`utf8`). The two spellings browsers and `fetch` send are matched
    /// byte by byte first; anything else goes through the general reading of the header.
    static func checkContentType(_ header: String?) throws {
        if let header, isPlainJSON(header) { return }
        try checkContentTypeInGeneral(header)
    }

    /// The general reading of the header: media type before the first `;`, trimmed; a parameter
    /// naming a charset must name UTF-8.
    static func checkContentTypeInGeneral(_ header: String?) throws {
        let contentType = header?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType == "application/json" else {
            throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                           message: "Send the body as JSON with the header Content-Type: application/json (got '\(contentType.isEmpty ? "none" : String(contentType.prefix(100)))').")
        }
        if let charset = contentType.split(separator: ";").dropFirst().first(where: { $0.contains("charset") }),
           !charset.contains("utf-8") && !charset.contains("utf8") {
            throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type", message: "JSON bodies must be UTF-8.")
        }
    }

    /// `application/json` or `application/json; charset=utf-8`, in any letter case.
    static func isPlainJSON(_ header: String) -> Bool {
        var header = header
        return header.withUTF8 { bytes in
            guard bytes.count == plainJSON.count || bytes.count == plainJSONUTF8.count else { return false }
            let expected = bytes.count == plainJSON.count ? plainJSON : plainJSONUTF8
            for (byte, wanted) in zip(bytes, expected) where byte != wanted {
                // Only a capital for a small letter may differ.
                guard wanted >= UInt8(ascii: "a") && wanted <= UInt8(ascii: "z") && byte == wanted - 0x20 else { return false }
            }
            return true
        }
    }

    private static let plainJSON = Array("application/json".utf8)
    private static let plainJSONUTF8 = Array("application/json; charset=utf-8".utf8)

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "The body is larger than the limit of \(limit / 1024) KiB.")
    }

    static func fieldName(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func map(_ error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let ctx):
            let field = fieldName(ctx.codingPath)
            if field.isEmpty { return .malformed("The body must be a JSON object.") }
            return .invalid([field: "must be \(describe(type))"])
        case .valueNotFound(let type, let ctx):
            return .invalid([fieldName(ctx.codingPath): "must be \(describe(type)), not null"])
        case .keyNotFound(let key, let ctx):
            return .invalid([fieldName(ctx.codingPath + [key]): "is required"])
        case .dataCorrupted(let ctx):
            let field = fieldName(ctx.codingPath)
            if field.isEmpty { return .malformed("The body is not valid JSON.") }
            return .invalid([field: "has an invalid value"])
        @unknown default:
            return .malformed("The body could not be read.")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a boolean"
        case is String.Type: "a string"
        case is [String: Bool].Type, is [String: Any].Type: "an object"
        case is Int.Type, is Double.Type: "a number"
        default: "of another type"
        }
    }
}

import Consent
import HTTPTypes
import Foundation
import Hummingbird

/// The API's JSON answers, as Hummingbird's `ResponseEncoder`: a handler returns a
/// `ResponseEncodable` value (wrapped in `EditedResponse` for another status than 200) and the
/// request context encodes it with this. Sorted keys, no escaped slashes; snake_case keys come from
/// the types' `CodingKeys`; never cached. A value that writes its own JSON (``PrebuiltAPIJSON``,
/// held byte-equal to `JSONEncoder` by tests) skips Foundation's encoder on the hot path.
public struct APIResponseEncoder: ResponseEncoder {
    static let headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(bytes: try (value as? any PrebuiltAPIJSON)?.apiJSON() ?? [UInt8](JSONEncoder.api.encode(value)))))
    }
}

extension ConsentState: ResponseEncodable {}

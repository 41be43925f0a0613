import Consent
import HTTPTypes
import Foundation
import Hummingbird

/// Encodes a value as the API's JSON (snake_case keys come from the types' `CodingKeys`).
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try (value as? any PrebuiltAPIJSON)?.apiJSON() ?? [UInt8](JSONEncoder.api.encode(value))
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

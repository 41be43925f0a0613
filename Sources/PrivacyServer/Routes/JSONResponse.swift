import HTTPTypes
import Foundation
import Hummingbird

/// The headers of every JSON answer.
enum JSONAnswer {
    static let headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
}

/// Encodes a value as the API's JSON (snake_case keys come from the types' `CodingKeys`).
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try JSONEncoder.api.encode(value)
    return Response(status: status, headers: JSONAnswer.headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

import HTTPTypes
import Consent
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("Bad input: 400, 413, 415 with the envelope, and nothing stored")
struct RequestDecodingTests {
    static let routes = ["/v1/consents", "/v1/contact-requests"]

    @Test("malformed JSON is 400", arguments: [
        "{", "not json", "", "{\"a\":}", "[1,2]", "null", "\"text\"", "{\"a\":1}{}", "{\"a\":1,\"a\":2}",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
        String(repeating: "{\"a\":", count: 5_000) + "1" + String(repeating: "}", count: 5_000),
        "{\"name\":\"\u{1}\"}", "{'single':'quotes'}", "{\"a\":tru}", "{\"a\":01x}",
    ])
    func malformed(body: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            for route in Self.routes {
                try await client.execute(uri: route, method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                    #expect(response.status == .badRequest, "\(route) \(body.prefix(40))")
                    #expect(errorCode(response) == "malformed_request")
                }
            }
        }
        #expect(try await fixture.ledgerCount() == 0)
        #expect(try await fixture.contactCount() == 0)
    }

    @Test("invalid UTF-8 is 400")
    func invalidUTF8() async throws {
        let fixture = try ServerFixture()
        let buffer = {
            var buffer = ByteBuffer(string: "{\"name\":\"")
            buffer.writeBytes([0xff, 0xfe, 0xc3])
            buffer.writeString("\"}")
            return buffer
        }()
        try await fixture.application().test(.router) { client in
            for route in Self.routes {
                try await client.execute(uri: route, method: .post, headers: jsonHeaders, body: buffer) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test("a wrong or missing content type is 415", arguments: ["text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"])
    func unsupportedMediaType(type: String) async throws {
        let fixture = try ServerFixture()
        let headers: HTTPFields = type.isEmpty ? [:] : [.contentType: type]
        try await fixture.application().test(.router) { client in
            for route in Self.routes {
                try await client.execute(uri: route, method: .post, headers: headers, body: ByteBuffer(json: validConsent)) { response in
                    #expect(response.status == .unsupportedMediaType)
                    #expect(errorCode(response) == "unsupported_media_type")
                }
            }
        }
        #expect(try await fixture.ledgerCount() == 0)
    }

    @Test("a body over 64 KiB is 413, declared or not")
    func tooLarge() async throws {
        let fixture = try ServerFixture()
        let huge = "{\"name\":\"" + String(repeating: "x", count: 70_000) + "\"}"
        try await fixture.application().test(.live) { client in
            for route in Self.routes {
                try await client.execute(uri: route, method: .post, headers: jsonHeaders, body: ByteBuffer(json: huge)) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(errorCode(response) == "body_too_large")
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        #expect(try await fixture.contactCount() == 0)
    }

    @Test("methods a route does not take are 405 with Allow, unknown paths 404, both with the envelope")
    func methodsAndPaths() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                #expect(errorCode(response) == "method_not_allowed")
            }
            try await client.execute(uri: "/v1/consents/abcdefgh12345678", method: .patch) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, DELETE")
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(errorCode(response) == "not_found")
            }
        }
    }
}

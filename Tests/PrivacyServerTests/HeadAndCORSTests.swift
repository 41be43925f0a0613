import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("HEAD answers and CORS")
struct HeadAndCORSTests {
    static let site = "https://www.example.org"

    @Test("HEAD is GET without the body: same status and headers, Content-Length of the GET, also for 404 and 405",
          arguments: ["/healthz", "/v1/config", "/privacy", "/v1/consents", "/v1/nothing-here", "/v1/consents/abcdefgh12345678"])
    func headLikeGet(path: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let get = try await client.execute(uri: path, method: .get) { $0 }
            try await client.execute(uri: path, method: .head) { head in
                #expect(head.status == get.status)
                #expect(head.body.readableBytes == 0)
                #expect(head.headers[.contentLength] == String(get.body.readableBytes))
                #expect(head.headers[.contentType] == get.headers[.contentType])
                #expect(head.headers[.allow] == get.headers[.allow])
                #expect(head.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test("an allowed origin gets the preflight (204) and Access-Control-Allow-Origin with Vary on answers and errors")
    func allowedOrigin() async throws {
        let fixture = try ServerFixture()
        try await fixture.application(allowedOrigins: [Self.site]).test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .options, headers: [.origin: Self.site]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == Self.site)
                #expect(response.headers[.accessControlAllowMethods] == "GET, POST, DELETE")
                // Hummingbird writes header names in their canonical lower case (names are case-insensitive).
                #expect(response.headers[.accessControlAllowHeaders]?.lowercased() == "content-type")
                #expect(response.headers[.accessControlMaxAge] == "600")
                #expect(response.headers[.vary] == "Origin")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            for (path, status) in [("/v1/config", HTTPResponse.Status.ok), ("/v1/consents/abcdefgh12345678", .notFound)] {
                try await client.execute(uri: path, method: .get, headers: [.origin: Self.site]) { response in
                    #expect(response.status == status)
                    #expect(response.headers[.accessControlAllowOrigin] == Self.site)
                    #expect(response.headers[values: .vary] == ["Origin"])
                }
            }
        }
    }

    @Test("another origin, or no --allow-origin at all: no CORS headers, and OPTIONS is 405 as for any method a route lacks")
    func otherOrigin() async throws {
        let fixture = try ServerFixture()
        for allowed in [[Self.site], []] {
            try await fixture.application(allowedOrigins: allowed).test(.router) { client in
                try await client.execute(uri: "/v1/consents", method: .options, headers: [.origin: "https://evil.example"]) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "POST")
                    #expect(errorCode(response) == "method_not_allowed")
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                    #expect(response.headers[.vary] == nil)
                }
                try await client.execute(uri: "/v1/config", method: .get, headers: [.origin: "https://evil.example"]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                    #expect(response.headers[.vary] == nil)
                }
            }
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Consent
@testable import PrivacyServer
import Testing

@Suite("Paths, strict JSON keys, trusted proxies, new consent ids")
struct HardeningTests {
    /// Refused: an empty segment or a needless escape.
    static let refused = ["//v1/consents", "/v1//consents", "/%761/consents", "/v1/consents/", "///v1/consents", "/v1/c%6Fnsents"]
    /// Normalised to `/v1/consents`: dot segments, plain or escaped.
    static let dotted = ["/./v1/consents", "/v1/./consents", "/v1/../v1/consents", "/%2e/v1/consents", "/v1/%2E%2E/v1/consents", "/x/../v1/consents"]

    @Test("a path with an empty segment or a needless percent-escape is 400 with the envelope", arguments: refused)
    func nonCanonical(path: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) { response in
                #expect(response.status == .badRequest)
                #expect(errorCode(response) == "malformed_request")
            }
        }
        #expect(try await fixture.ledgerCount() == 0)
    }

    @Test("dot segments are removed (RFC 3986 5.2.4) before routing", arguments: dotted)
    func dotSegments(path: String) {
        #expect(CanonicalPathMiddleware.check(path) == .normalised("/v1/consents"))
    }

    @Test("a dot segment is recognised on the bytes as the lower-case-and-replace reading does, over 5 000 random segments")
    func dotSegmentAsBefore() {
        // The reading the byte scan replaced: lower-case the segment, turn each %2e into a dot.
        func before(_ segment: Substring) -> Int {
            let lowered = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            return lowered == "." ? 1 : lowered == ".." ? 2 : 0
        }
        let pieces = [".", "%2e", "%2E", "%2", "%", "2", "e", "E", "a", "%25", "%2f", "..", "~", "é"]
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<5_000 {
            let segment = (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(CanonicalPathMiddleware.dotSegment(segment[...]) == before(segment[...]), "\(segment)")
        }
        for segment in [".", "..", "...", "%2e", "%2E%2e", ".%2E", "%2e%2e%2e", "", "a", "%2ea"] {
            #expect(CanonicalPathMiddleware.dotSegment(segment[...]) == before(segment[...]), "\(segment)")
        }
    }

    @Test("canonical paths are untouched; .. cannot climb above the root", arguments: ["/", "/v1/config", "/v1/consents/abcdefgh12345678abcdefgh", "/healthz", "/consent.js"])
    func canonical(path: String) {
        #expect(CanonicalPathMiddleware.check(path) == .canonical)
        #expect(CanonicalPathMiddleware.check("/../../v1/config") == .normalised("/v1/config"))
        #expect(CanonicalPathMiddleware.check("/v1/consents/../etc") == .normalised("/v1/etc"))
    }

    @Test("the rate limit holds for every spelling of a route")
    func rateLimitEverySpelling() async throws {
        let fixture = try ServerFixture()
        // 1 a minute: a burst of 10 and almost no refill while the test runs, however slow the machine.
        try await fixture.application(rateLimit: 1).test(.router) { client in
            var created = 0
            var limited = 0
            for _ in 0..<3 {
                for path in ["/v1/consents"] + Self.refused + Self.dotted {
                    try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) { response in
                        if response.status == .created { created += 1 }
                        if response.status == .tooManyRequests { limited += 1 }
                        if Self.refused.contains(path) { #expect(response.status == .badRequest) }
                        else { #expect([.created, .tooManyRequests].contains(response.status), "\(path): \(response.status) \(String(buffer: response.body))") }
                    }
                }
            }
            #expect(created == 10, "the burst of 10, whatever the spelling")
            #expect(limited == 3 * (1 + Self.dotted.count) - 10)
        }
    }

    @Test("keys that differ only in their escapes are the same key", arguments: [
        #"{"method":"accept_all","\u006dethod":"reject_all"}"#,
        #"{"a":1,"\u0061":2}"#,
        #"{"\ud83d\ude00":1,"😀":2}"#,
        #"{"a\/b":1,"a/b":2}"#,
        #"{"e\u0301":1,"é":2}"#,
    ])
    func escapedDuplicates(body: String) {
        #expect(throws: StrictJSON.Failure.self) { try StrictJSON.check(Array(body.utf8)) }
    }

    @Test("distinct keys pass", arguments: [#"{"a":1,"b":2}"#, #"{"\u0061":1,"\u0062":2}"#, #"{"a\\":1,"a":2}"#])
    func distinctKeys(body: String) throws {
        try StrictJSON.check(Array(body.utf8))
    }

    @Test("escaped duplicate keys are refused by the API")
    func escapedDuplicateOverHTTP() async throws {
        let fixture = try ServerFixture()
        let body = #"{"policy_version":"2024-03-01","method":"accept_all","\u006dethod":"reject_all","purposes":{"necessary":true}}"#
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("trusted proxies: addresses and ranges, IPv4-mapped as IPv4")
    func trustedProxies() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "192.0.2.7", "fd00::/8"])
        #expect(proxies.contains("10.1.2.3"))
        #expect(proxies.contains("::ffff:10.1.2.3"))
        #expect(proxies.contains("192.0.2.7"))
        #expect(!proxies.contains("192.0.2.8"))
        #expect(proxies.contains("fd12::1"))
        #expect(!proxies.contains("2001:db8::1"))
        #expect(TrustedProxies.loopback.contains("127.0.0.1") && TrustedProxies.loopback.contains("::1"))
        #expect(!TrustedProxies.loopback.contains("203.0.113.5"))
        for bad in ["10.0.0.0/33", "example.org", "10.0.0.0/x", "", "::1/129"] {
            #expect(throws: TrustedProxiesError.self) { try TrustedProxies([bad]) }
        }
    }

    @Test("a new history needs a consent id of at least 22 characters; an existing shorter id stays usable")
    func newIDLength() async throws {
        let fixture = try ServerFixture()
        let short = #"{"consent_id":"abcdefgh","policy_version":"2024-03-01","method":"reject_all"}"#
        let long = #"{"consent_id":"abcdefghijklmnopqrstuv","policy_version":"2024-03-01","method":"reject_all"}"#
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: short)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(errorFields(response)?["consent_id"] != nil)
            }
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: long)) { response in
                #expect(response.status == .created)
            }
        }
        // A short id that already has a history (an older banner's cookie) still records.
        try await fixture.store.pool.write { db in
            try db.execute(sql: "UPDATE consent_ledger SET consent_id = 'abcdefgh'")
        }
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: short)) { response in
                #expect(response.status == .created)
            }
        }
    }
}

@testable import Consent
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import PrivacyServer
import Testing

/// The server's side of the programme's end: consent collection ending, the purge at start-up,
/// and failures the operator sees.
@Suite("The server after the programme's end")
struct WindDownServerTests {
    /// The shipped policy with `edits` applied.
    static func policy(_ edits: (String, String)...) throws -> Policy {
        var text = try String(contentsOfFile: ServerFixture.policyPath, encoding: .utf8)
        for (old, new) in edits {
            try #require(text.contains(old))
            text = text.replacingOccurrences(of: old, with: new)
        }
        var parser = PolicyParser(file: "edited.yaml")
        return try parser.parse(text)
    }

    static let collectUntil = ("  # collect_until: 2025-12-31", "  collect_until: 2025-12-31")
    static let afterEnd = Timestamp.parse("2025-01-02T10:00:00+01:00")!

    func application(_ fixture: ServerFixture, at instant: Date, purgeEvery seconds: Double?) throws -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return buildApplication(services: try fixture.services(at: instant),
                                configuration: ServerConfiguration(rateLimitPerMinute: nil, purgeIntervalSeconds: seconds), logger: logger)
    }

    func submitDuringProgramme(_ fixture: ServerFixture) async throws {
        let form = try ContactForm(name: "Erika Mustermann", email: "erika@example.org", phone: nil, message: "Rückruf",
                                   callbackTime: nil, privacyNoticeAccepted: true)
        _ = try await fixture.services().intake.submit(form)
    }

    /// Polls `condition` for up to ten seconds.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    @Test("after consent.collect_until the banner's routes answer 410 collection_ended; reading and withdrawing still work")
    func collectionEnded() async throws {
        let fixture = try ServerFixture(policy: try Self.policy(Self.collectUntil))
        let id = try await fixture.application(at: Timestamp.parse("2025-12-31T23:59:59+01:00")!).test(.router) { client in
            try await client.execute(uri: "/v1/config", method: .get) { #expect($0.status == .ok) }
            return try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) { response in
                #expect(response.status == .created)
                return json(response)["consent_id"] as? String ?? ""
            }
        }
        try await fixture.application(at: Timestamp.parse("2026-01-01T00:00:00+01:00")!).test(.router) { client in
            for (uri, method, body) in [("/v1/config?lang=en", HTTPRequest.Method.get, nil), ("/v1/consents", .post, ByteBuffer(json: validConsent))] as [(String, HTTPRequest.Method, ByteBuffer?)] {
                try await client.execute(uri: uri, method: method, headers: jsonHeaders, body: body) { response in
                    #expect(response.status == .gone, "\(method) \(uri)")
                    #expect(errorCode(response) == "collection_ended")
                }
            }
            try await client.execute(uri: "/v1/consents/\(id)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/consents/\(id)", method: .delete) { #expect($0.status == .ok) }
        }
        #expect(try await fixture.ledgerCount() == 2, "the refused choice was not recorded; the withdrawal was")
    }

    @Test("the first purge runs at start-up, not one interval later")
    func purgeAtStartUp() async throws {
        let fixture = try ServerFixture()
        try await submitDuringProgramme(fixture)
        #expect(try await fixture.contactCount() == 1)
        try await application(fixture, at: Self.afterEnd, purgeEvery: 3600).test(.live) { client in
            #expect(try await eventually { try await fixture.contactCount() == 0 }, "purged within seconds of the start")
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response)["status"] as? String == "ok")
            }
        }
    }

    @Test("a failed purge is shown by /healthz (200, degraded, when and why) and nothing is deleted")
    func failedPurge() async throws {
        let fixture = try ServerFixture(policy: try Self.policy(("offer_before_purge: false", "offer_before_purge: true")))
        try await submitDuringProgramme(fixture)
        try await application(fixture, at: Self.afterEnd, purgeEvery: 3600).test(.live) { client in
            let degraded = try await eventually {
                try await client.execute(uri: "/healthz", method: .get) { json($0)["status"] as? String == "degraded" }
            }
            #expect(degraded)
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let purge = json(response)["purge"] as? String ?? ""
                #expect(purge.hasPrefix("failed at 2025-01-02T09:00:00.000Z"), "\(purge)")
                #expect(purge.contains("archive"))
            }
        }
        #expect(try await fixture.contactCount() == 1)
    }

    @Test("a ledger that no longer verifies is shown by /healthz as a failed audit verify")
    func failedVerify() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) { _ in }
        }
        try await fixture.store.pool.write { db in try db.execute(sql: "UPDATE consent_ledger SET method = 'reject_all' WHERE seq = 1") }
        try await application(fixture, at: ServerFixture.during, purgeEvery: 3600).test(.live) { client in
            let degraded = try await eventually {
                try await client.execute(uri: "/healthz", method: .get) { json($0)["audit"] as? String != nil }
            }
            #expect(degraded)
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(json(response)["status"] as? String == "degraded")
                #expect((json(response)["audit"] as? String)?.contains("consent_ledger broken at entry 1") == true)
            }
        }
    }
}

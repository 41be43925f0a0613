import HTTPTypes
@testable import Consent
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("POST, GET and DELETE /v1/consents")
struct ConsentRoutesTests {
    @Test("a choice is recorded with a new 128-bit id and answered 201 with the contract's fields")
    func recordsChoice() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) { response in
                #expect(response.status == .created)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try object(response)
                let id = try #require(body["consent_id"] as? String)
                #expect(id.count == 44 && !id.hasPrefix("-"))
                for field in ["recorded_at", "expires_at", "policy_version", "purposes", "services", "receipt"] {
                    #expect(body[field] != nil, "missing \(field)")
                }
                #expect(body["recorded_at"] as? String == "2024-06-01T10:00:00.000Z")
                #expect(body["expires_at"] as? String == "2025-06-01T10:00:00.000Z")
                #expect((body["services"] as? [String: Bool]) == ["youtube": true, "google_maps": true])
            }
        }
        #expect(try await fixture.ledgerCount() == 1)
    }

    @Test("withdrawal is a new ledger entry, and GET reports the latest")
    func withdrawalAppends() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let id = try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) {
                json($0)["consent_id"] as! String
            }
            try await client.execute(uri: "/v1/consents/\(id)", method: .delete) { response in
                #expect(response.status == .ok)
                let body = try object(response)
                #expect(body["method"] as? String == "withdraw")
                #expect((body["purposes"] as? [String: Bool]) == ["necessary": true, "external_media": false])
            }
            try await client.execute(uri: "/v1/consents/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                let body = try object(response)
                #expect(body["method"] as? String == "withdraw")
                #expect(body["expired"] as? Bool == false)
                #expect(body["policy_outdated"] as? Bool == false)
            }
        }
        #expect(try await fixture.ledgerCount() == 2)
        #expect(try await ConsentLedger(store: fixture.store, policy: fixture.policy, clock: SystemClock()).verify().ok)
    }

    @Test("a later choice under the same id continues its history")
    func sameIDContinues() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let id = try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) {
                json($0)["consent_id"] as! String
            }
            let again = #"{"consent_id":"\#(id)","policy_version":"2024-03-01","method":"reject_all","purposes":{"necessary":true}}"#
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: again)) { response in
                #expect(response.status == .created)
                #expect(json(response)["consent_id"] as? String == id)
            }
        }
        let first = try await firstID(fixture)
        let history = try await ConsentLedger(store: fixture.store, policy: fixture.policy, clock: SystemClock()).history(ConsentID(first)!)
        #expect(history.map(\.method) == ["accept_all", "reject_all"])
    }

    private func firstID(_ fixture: ServerFixture) async throws -> String {
        try await fixture.store.pool.read { db in try String.fetchOne(db, sql: "SELECT consent_id FROM consent_ledger ORDER BY seq LIMIT 1")! }
    }

    @Test("the server adds the truncated IP, the user agent and the Sec-GPC signal; GPC with accept_all is flagged")
    func provenance() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.live) { client in
            var headers = jsonHeaders
            headers[.userAgent] = "TestBrowser/1.0"
            headers[HTTPField.Name("Sec-GPC")!] = "1"
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers, body: ByteBuffer(json: validConsent)) { response in
                #expect(response.status == .created)
                let body = try object(response)
                #expect(body["gpc"] as? Bool == true)
                #expect(body["gpc_conflict"] as? Bool == true)
            }
            // A selection that grants a service against GPC is flagged too; one that grants nothing is not.
            for (services, conflict) in [(#"{"youtube":true}"#, true), (#"{}"#, false)] {
                let body = #"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{},"services":\#(services)}"#
                try await client.execute(uri: "/v1/consents", method: .post, headers: headers, body: ByteBuffer(json: body)) { response in
                    #expect(json(response)["gpc_conflict"] as? Bool == conflict)
                }
            }
        }
        let row = try await fixture.store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT ip_prefix, user_agent, gpc FROM consent_ledger ORDER BY seq LIMIT 1")!
        }
        #expect(row["ip_prefix"] as String? == "127.0.0.0")
        #expect(row["user_agent"] as String? == "TestBrowser/1.0")
        // The full loopback address never reaches the file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.store.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: fixture.store.path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("127.0.0.1".utf8)) == nil)
    }

    @Test("expired and policy_outdated say when the banner must ask again")
    func expiryAndOutdated() async throws {
        let fixture = try ServerFixture()
        let consentID = try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) {
                json($0)["consent_id"] as! String
            }
        }
        // 366 days later the choice has expired.
        try await fixture.application(at: ServerFixture.during.addingTimeInterval(366 * 86400)).test(.router) { client in
            try await client.execute(uri: "/v1/consents/\(consentID)", method: .get) { response in
                #expect(json(response)["expired"] as? Bool == true)
                #expect(json(response)["policy_outdated"] as? Bool == false)
            }
        }
        // A new policy version makes it outdated.
        var newer = fixture.policy
        newer.version = "2025-01-01"
        let services = WebFacingServices(store: fixture.store, policy: newer, clock: FixedClock(ServerFixture.during), keys: try SealingKeys(keys: fixture.keys))
        let router = buildRouter(services: services, configuration: ServerConfiguration(rateLimitPerMinute: nil, purgeIntervalSeconds: nil))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/v1/consents/\(consentID)", method: .get) { response in
                #expect(json(response)["policy_outdated"] as? Bool == true)
                #expect(json(response)["expired"] as? Bool == false)
            }
        }
    }

    @Test("rule-breaking choices are 422 naming the field, and store nothing", arguments: [
        (#"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{"necessary":false}}"#, "purposes.necessary"),
        (#"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{"analytics":true}}"#, "purposes.analytics"),
        (#"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{},"services":{"vimeo":true}}"#, "services.vimeo"),
        (#"{"policy_version":"2024-03-01","method":"maybe","purposes":{}}"#, "method"),
        (#"{"policy_version":"2024-03-01","purposes":{}}"#, "method"),
        (#"{"method":"accept_all","purposes":{}}"#, "policy_version"),
        (#"{"policy_version":"1999-01-01","method":"accept_all"}"#, "policy_version"),
        (#"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"external_media":false}}"#, "purposes.external_media"),
        (#"{"policy_version":"2024-03-01","method":"reject_all","services":{"youtube":true}}"#, "services.youtube"),
        (#"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":"yes"}}"#, "purposes.necessary"),
        (#"{"policy_version":2024,"method":"accept_all"}"#, "policy_version"),
        (#"{"consent_id":"-starts-with-dash","policy_version":"2024-03-01","method":"accept_all"}"#, "consent_id"),
        (#"{"policy_version":"2024-03-01","method":"accept_all","language":"de<script>"}"#, "language"),
    ])
    func unprocessable(body: String, field: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .unprocessableContent)
                let error = try envelope(response)
                #expect(error["code"] as? String == "validation_failed")
                #expect((error["fields"] as? [String: String])?[field] != nil, "expected field \(field) in \(error)")
                #expect((error["message"] as? String)?.isEmpty == false)
            }
        }
        #expect(try await fixture.ledgerCount() == 0)
    }

    @Test("a well-formed consent id the ledger does not hold starts a new history under that id")
    func unknownIDOnPost() async throws {
        let fixture = try ServerFixture()
        let body = #"{"consent_id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","policy_version":"2024-03-01","method":"reject_all"}"#
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .created)
                #expect(json(response)["consent_id"] as? String == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            }
        }
        #expect(try await fixture.ledgerCount() == 1)
    }

    @Test("a service can be allowed alone, from its two-click placeholder")
    func serviceOnly() async throws {
        let fixture = try ServerFixture()
        let body = #"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{"external_media":false},"services":{"youtube":true}}"#
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .created)
                #expect((json(response)["services"] as? [String: Bool]) == ["youtube": true, "google_maps": false])
            }
        }
    }

    @Test("an unknown or malformed consent id is 404 with the envelope", arguments: ["0123456789abcdef0123456789abcdef", "not-a-valid-id!", "-abcdefgh"])
    func unknownID(id: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(uri: "/v1/consents/\(id)", method: method) { response in
                    #expect(response.status == .notFound)
                    #expect(errorCode(response) == "not_found")
                }
            }
        }
        #expect(try await fixture.ledgerCount() == 0)
    }

    @Test("many concurrent choices are all durable and the chain verifies (group commit)")
    func concurrentChoices() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.live) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) {
                            #expect($0.status == .created)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await fixture.ledgerCount() == 100)
        let report = try await ConsentLedger(store: fixture.store, policy: fixture.policy, clock: SystemClock()).verify()
        #expect(report.ok && report.entries == 100)
    }
}

import GRDB

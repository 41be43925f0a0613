import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

@Suite("Consent ledger")
struct ConsentLedgerTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    var version: String { box.policy.version }

    /// One ledger (as one server) under a stopped clock: the ids still come out in order, so that
    /// each new history's index entry lands at the end of `consent_ledger_by_id`.
    @Test("new histories get increasing ids, and each id's prefix is its recording millisecond or one more")
    func increasingIDs() async throws {
        let now = "2024-03-01T12:00:00.250+01:00"
        let ledger = box.ledger(at: now)
        var ids: [String] = []
        for method in [ConsentMethod.acceptAll, .rejectAll, .acceptAll, .rejectAll, .acceptAll] {
            let state = try await ledger.record(
                ConsentChoice(consentID: nil, policyVersion: version, purposes: [:], services: [:], method: method),
                provenance: .none)
            ids.append(state.consentID)
        }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        let millis = UInt64(Timestamp.millis(instant(now)))
        #expect(ids.map { UInt64($0.prefix(12), radix: 16) } == (0..<5).map { millis + $0 })
    }

    @Test("accept_all grants every purpose and service; a new 128-bit consent id is issued")
    func acceptAll() async throws {
        let state = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        #expect(state.purposes == ["necessary": true, "external_media": true])
        #expect(state.services == ["youtube": true, "google_maps": true])
        #expect(state.method == "accept_all")
        #expect(state.source == "web")
        #expect(state.policyVersion == version)
        #expect(state.consentID.count == 44)
        #expect(ConsentID(state.consentID) != nil)
        #expect(!state.consentID.hasPrefix("-"))
        #expect(state.receipt.sequence == 1)
        #expect(state.receipt.entryHash.count == 64)
        #expect(state.receipt.textsHash == Digest.hex([UInt8](box.policy.textsHash(language: "de"))))
        #expect(!state.expired && !state.policyOutdated && !state.gpc && !state.gpcConflict)
        #expect(Timestamp.parse(state.recordedAt) == instant("2024-03-01T12:00:00+01:00"))
        // 365 calendar days in Europe/Berlin.
        #expect(Timestamp.parse(try #require(state.expiresAt)) == instant("2025-03-01T12:00:00+01:00"))
    }

    @Test("consent ids are unique")
    func uniqueIDs() async throws {
        var ids = Set<String>()
        for _ in 0..<20 { ids.insert(try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00").consentID) }
        #expect(ids.count == 20)
    }

    @Test("reject_all grants only what is required")
    func rejectAll() async throws {
        let state = try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00")
        #expect(state.purposes == ["necessary": true, "external_media": false])
        #expect(state.services == ["youtube": false, "google_maps": false])
    }

    @Test("accept_selection takes what was sent; what was not sent is not granted")
    func selection() async throws {
        let granted = try await box.record(.acceptSelection, purposes: ["external_media": true], at: "2024-03-01T12:00:00+01:00")
        #expect(granted.purposes == ["necessary": true, "external_media": true])
        #expect(granted.services == ["youtube": true, "google_maps": true])
        let nothing = try await box.record(.acceptSelection, at: "2024-03-01T12:00:00+01:00")
        #expect(nothing.purposes == ["necessary": true, "external_media": false])
        #expect(nothing.services == ["youtube": false, "google_maps": false])
    }

    @Test("service-only consent: YouTube allowed on its placeholder, the purpose and Maps stay off")
    func serviceOnly() async throws {
        let state = try await box.record(.acceptSelection, purposes: ["external_media": false], services: ["youtube": true],
                                         at: "2024-03-01T12:00:00+01:00")
        #expect(state.purposes == ["necessary": true, "external_media": false])
        #expect(state.services == ["youtube": true, "google_maps": false])
        let current = try await box.ledger(at: "2024-03-02T12:00:00+01:00").current(try #require(ConsentID(state.consentID)))
        #expect(current.services == ["youtube": true, "google_maps": false])
    }

    @Test("withdrawal is a new ledger entry")
    func withdrawal() async throws {
        let given = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(given.consentID))
        let withdrawn = try await box.ledger(at: "2024-04-01T09:30:00+02:00")
            .withdraw(id, provenance: .none, source: .dpo, reason: "Brief vom 28.3.")
        #expect(withdrawn.consentID == given.consentID)
        #expect(withdrawn.method == "withdraw")
        #expect(withdrawn.source == "dpo")
        #expect(withdrawn.purposes == ["necessary": true, "external_media": false])
        #expect(withdrawn.services == ["youtube": false, "google_maps": false])
        #expect(withdrawn.receipt.sequence == given.receipt.sequence + 1)
        let history = try await box.ledger(at: "2024-04-02T00:00:00+02:00").history(id)
        #expect(history.map(\.sequence) == [1, 2])
        #expect(history.map(\.method) == ["accept_all", "withdraw"])
        #expect(history[0].purposes["external_media"] == true)   // the first entry is unchanged
        #expect(history[1].reason == "Brief vom 28.3.")
        let current = try await box.ledger(at: "2024-04-02T00:00:00+02:00").current(id)
        #expect(current == withdrawn)
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger") == 2)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("withdraw through the website's method is the same as the DPO's revocation")
    func withdrawMethod() async throws {
        let given = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(given.consentID))
        let state = try await box.record(.withdraw, id: id, at: "2024-03-05T12:00:00+01:00")
        #expect(state.purposes == ["necessary": true, "external_media": false])
        #expect(state.receipt.sequence == 2)
        #expect(try await box.ledger(at: "2024-03-05T12:00:00+01:00").history(id).count == 2)
    }

    @Test("a change of mind under the same id appends; the current state is the latest")
    func changeOfMind() async throws {
        let first = try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(first.consentID))
        _ = try await box.record(.acceptAll, id: id, at: "2024-03-02T12:00:00+01:00")
        _ = try await box.record(.acceptSelection, services: ["google_maps": true], id: id, at: "2024-03-03T12:00:00+01:00")
        let current = try await box.ledger(at: "2024-03-04T12:00:00+01:00").current(id)
        #expect(current.method == "accept_selection")
        #expect(current.services == ["youtube": false, "google_maps": true])
        #expect(try await box.ledger(at: "2024-03-04T12:00:00+01:00").history(id).map(\.method) == ["reject_all", "accept_all", "accept_selection"])
    }

    @Test("unknown consent ids are notFound for current, history and withdraw")
    func unknownID() async throws {
        let id = try #require(ConsentID("0123456789abcdef0123456789abcdef"))
        let ledger = box.ledger(at: "2024-03-01T12:00:00+01:00")
        await #expect(throws: ConsentError.notFound(what: "consent \(id)")) { try await ledger.current(id) }
        await #expect(throws: ConsentError.notFound(what: "consent \(id)")) { try await ledger.history(id) }
        await #expect(throws: ConsentError.notFound(what: "consent \(id)")) {
            try await ledger.withdraw(id, provenance: .none, source: .dpo)
        }
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger") == 0)
    }

    @Test("a well-formed id the ledger does not hold starts a new history")
    func unknownIDStartsHistory() async throws {
        let id = try #require(ConsentID("cookie-outlived-the-ledger-1"))
        let state = try await box.record(.rejectAll, id: id, at: "2024-03-01T12:00:00+01:00")
        #expect(state.consentID == id.rawValue)
        #expect(state.receipt.sequence == 1)
        #expect(try await box.ledger(at: "2024-03-01T12:00:00+01:00").history(id).map(\.method) == ["reject_all"])
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var method: ConsentMethod
        var purposes: [String: Bool] = [:]
        var services: [String: Bool] = [:]
        var policyVersion: String? = nil
        var pageURL: String? = nil
        var language: String? = nil
        var field: String
        var testDescription: String { name }
    }

    @Test("choices that break a rule are refused with the field named, and nothing is stored", arguments: [
        Refusal(name: "required purpose refused", method: .acceptSelection, purposes: ["necessary": false], field: "purposes.necessary"),
        Refusal(name: "required purpose refused by reject_all", method: .rejectAll, purposes: ["necessary": false], field: "purposes.necessary"),
        Refusal(name: "unknown purpose", method: .acceptSelection, purposes: ["marketing": true], field: "purposes.marketing"),
        Refusal(name: "unknown service", method: .acceptSelection, services: ["vimeo": true], field: "services.vimeo"),
        Refusal(name: "accept_all with an optional purpose false", method: .acceptAll, purposes: ["external_media": false], field: "purposes.external_media"),
        Refusal(name: "accept_all with a service false", method: .acceptAll, services: ["youtube": false], field: "services.youtube"),
        Refusal(name: "reject_all with a purpose true", method: .rejectAll, purposes: ["external_media": true], field: "purposes.external_media"),
        Refusal(name: "withdraw with a service true", method: .withdraw, services: ["google_maps": true], field: "services.google_maps"),
        Refusal(name: "older policy version", method: .acceptAll, policyVersion: "2023-01-01", field: "policy_version"),
        Refusal(name: "page url with control characters", method: .acceptAll, pageURL: "https://x.example/\u{0}", field: "page_url"),
        Refusal(name: "page url too long", method: .acceptAll, pageURL: "https://x.example/" + String(repeating: "a", count: 2100), field: "page_url"),
        Refusal(name: "language not a tag", method: .acceptAll, language: "de; drop table", field: "language"),
        Refusal(name: "empty language", method: .acceptAll, language: "", field: "language"),
    ])
    func refused(_ c: Refusal) async throws {
        let choice = ConsentChoice(policyVersion: c.policyVersion ?? version, purposes: c.purposes, services: c.services,
                                   method: c.method, pageURL: c.pageURL, language: c.language)
        do {
            _ = try await box.ledger(at: "2024-03-01T12:00:00+01:00").record(choice, provenance: .none)
            Issue.record("the choice was recorded")
        } catch let error as ConsentError {
            guard case .invalid(let field, let message) = error else { Issue.record("expected .invalid, got \(error)"); return }
            #expect(field == c.field)
            #expect(!message.isEmpty)
        }
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger") == 0)
    }

    @Test("several problems are reported together")
    func severalProblems() async throws {
        let choice = ConsentChoice(policyVersion: "old", purposes: ["necessary": false, "marketing": true], method: .acceptSelection)
        let error = await #expect(throws: ConsentError.self) {
            try await box.ledger(at: "2024-03-01T12:00:00+01:00").record(choice, provenance: .none)
        }
        guard case .invalidFields(let fields)? = error else { Issue.record("expected invalidFields, got \(String(describing: error))"); return }
        #expect(Set(fields.keys) == ["policy_version", "purposes.necessary", "purposes.marketing"])
    }

    @Test("expired turns true exactly at expires_at (365 days later)")
    func expiry() async throws {
        let state = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(state.consentID))
        #expect(try await !box.ledger(at: "2025-03-01T11:59:59.999+01:00").current(id).expired)
        #expect(try await box.ledger(at: "2025-03-01T12:00:00+01:00").current(id).expired)
        #expect(try await box.ledger(at: "2026-01-01T00:00:00+01:00").current(id).expired)
        // Across the summer-time change: still the same local time of day.
        let summer = try await box.record(.acceptAll, at: "2024-10-01T12:00:00+02:00")
        #expect(Timestamp.parse(try #require(summer.expiresAt)) == instant("2025-10-01T12:00:00+02:00"))
    }

    @Test("policy_outdated when recorded under an older policy version")
    func outdated() async throws {
        let state = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(state.consentID))
        let newer = try Fixtures.policy(("policy_version: \"2024-03-01\"", "policy_version: \"2024-09-01\""))
        let later = box.ledger(at: "2024-09-02T12:00:00+02:00", policy: newer)
        let current = try await later.current(id)
        #expect(current.policyOutdated)
        #expect(!current.expired)
        #expect(current.policyVersion == "2024-03-01")
        // Asked again, under the new version: up to date.
        let renewed = try await later.record(ConsentChoice(consentID: id, policyVersion: "2024-09-01", purposes: [:], method: .rejectAll),
                                             provenance: .none)
        #expect(!renewed.policyOutdated)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("the Global Privacy Control signal is stored, and a grant against it is flagged", arguments: [
        (ConsentMethod.acceptAll, true, true),
        (ConsentMethod.rejectAll, true, false),
        (ConsentMethod.acceptSelection, true, false),
        (ConsentMethod.acceptAll, false, false),
    ])
    func gpc(method: ConsentMethod, gpc: Bool, conflict: Bool) async throws {
        let state = try await box.record(method, at: "2024-03-01T12:00:00+01:00",
                                         provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "Firefox", globalPrivacyControl: gpc))
        #expect(state.gpc == gpc)
        #expect(state.gpcConflict == conflict)
        let history = try await box.ledger(at: "2024-03-01T12:00:00+01:00").history(try #require(ConsentID(state.consentID)))
        #expect(history.first?.gpc == gpc)
        #expect(history.first?.gpcConflict == conflict)
        // A choice that grants nothing optional is a refusal: kept without IP prefix and user agent.
        let refusal = method != .acceptAll
        #expect(history.first?.ipPrefix == (refusal ? nil : "203.0.113.0"))
        #expect(history.first?.userAgent == (refusal ? nil : "Firefox"))
    }

    @Test("the chain verifies over many entries and names its length")
    func chainVerifies() async throws {
        var ids: [ConsentID] = []
        for i in 0..<10 {
            let s = try await box.record(i % 2 == 0 ? .acceptAll : .rejectAll, at: "2024-03-01T12:00:0\(i)+01:00")
            ids.append(try #require(ConsentID(s.consentID)))
        }
        _ = try await box.ledger(at: "2024-03-02T12:00:00+01:00").withdraw(ids[0], provenance: .none, source: .web)
        let report = try await box.ledger(at: "2024-03-02T12:00:00+01:00").verify()
        #expect(report.ok)
        #expect(report.entries == 11)
        #expect(report.redacted == 0)
        #expect(report.chain == "consent_ledger")
        // The receipt's hash is the stored entry hash.
        let hash = try await box.store.pool.read { db in try Data.fetchOne(db, sql: "SELECT entry_hash FROM consent_ledger WHERE seq = 11") }
        let latest = try await box.ledger(at: "2024-03-02T12:00:00+01:00").current(ids[0])
        #expect(latest.receipt.entryHash == Digest.hex([UInt8](try #require(hash))))
    }

    @Test("an empty ledger verifies")
    func emptyChain() async throws {
        let report = try await box.ledgerReport()
        #expect(report.ok && report.entries == 0)
    }

    @Test("the DPO's revocation writes its audit entry in the same transaction")
    func revocationAudit() async throws {
        let given = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(given.consentID))
        _ = try await box.ledger(at: "2024-03-05T12:00:00+01:00").withdraw(
            id, provenance: .none, source: .dpo, reason: "Anruf",
            audit: AuditNote(action: "consent.revoke", actor: "dpo", subject: Digest.hex(box.index.value(for: "subject:consent:" + id.rawValue))))
        let entries = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(entries.map(\.action) == ["consent.revoke"])
        #expect(entries.first?.details["sequence"] == "2")
        #expect(entries.first?.subject?.contains(id.rawValue) == false)
        #expect(try await box.auditReport().ok)
    }

    @Test("statistics count choices per day and method")
    func stats() async throws {
        try await box.record(.acceptAll, at: "2024-03-01T23:30:00+01:00")
        try await box.record(.rejectAll, at: "2024-03-01T10:00:00+01:00")
        try await box.record(.acceptAll, at: "2024-03-02T00:30:00+01:00")   // 23:30 UTC the day before
        let rows = try await box.ledger(at: "2024-03-03T00:00:00+01:00").stats(since: nil)
        #expect(rows.map(\.day) == ["2024-03-01", "2024-03-01", "2024-03-02"])
        #expect(rows.map(\.method) == ["accept_all", "reject_all", "accept_all"])
        #expect(rows[0].granted["external_media"] == 1)
        #expect(rows[1].granted["external_media"] == 0)
    }
}

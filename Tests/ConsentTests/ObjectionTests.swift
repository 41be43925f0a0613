import Foundation
import Testing
@testable import Consent
import Vault

@Suite("Objection (Art. 21)")
struct ObjectionTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    static let userAgent = "Mozilla/5.0 (ObjectionTest 7781) Gecko/2010"
    static let page = "https://example.org/seite-nur-fuer-den-widerspruchstest"

    @Test("page, IP prefix and user agent leave the file and the WAL; the choice and its proof stay; contact requests go")
    func object() async throws {
        let state = try await box.ledger(at: "2024-06-01T10:00:00+02:00").record(
            ConsentChoice(policyVersion: box.policy.version, purposes: [:], method: .acceptAll, pageURL: Self.page, language: "de"),
            provenance: Provenance(ipPrefix: "192.0.2.0", userAgent: Self.userAgent, globalPrivacyControl: false))
        let id = try #require(ConsentID(state.consentID))
        // Bob grants (a refusal would be stored without a user agent anyway: issue 15's minimisation).
        let bob = try await box.record(.acceptAll, at: "2024-06-01T11:00:00+02:00",
                                       provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "Bob-UA/1", globalPrivacyControl: false))
        let ref = try await box.submit(name: "Olga Objekt", email: "olga@example.org", message: "Nachricht von Olga zum Widerspruch", consentID: id.rawValue)
        let r = try await box.open(.objection, .email("olga@example.org"), at: "2024-06-20T10:00:00+02:00")
        #expect(try box.store.truncateWAL())
        #expect(!box.filesContaining(Self.userAgent).isEmpty, "the scan does not see the user agent")
        let sealed = try await box.store.pool.read { db in try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue])! }

        let report = try await Objection(store: box.store, archive: box.archive(), clock: clock("2024-06-21T10:00:00+02:00"), actor: "test")
            .object(.email("olga@example.org"), requestID: r.id, subjectHash: r.subject)
        #expect(report.consentEntriesMinimised == 1 && report.contactRequestsDeleted == 1 && report.heldByLegalHold == 0 && report.walTruncated)
        for gone in [Self.userAgent, Self.page] { #expect(box.filesContaining(gone) == [], "\(gone) remains") }
        #expect(box.filesContaining([UInt8](sealed)) == [])
        // Proof stays: the consent id, the time and the choice, and the chain verifies.
        let history = try await box.ledger(at: "2024-06-21T10:00:00+02:00").history(id)
        #expect(history.count == 1 && history[0].method == "accept_all" && history[0].purposes["external_media"] == true)
        #expect(history[0].userAgent == nil && history[0].pageURL == nil && history[0].ipPrefix == nil)
        #expect(try await box.ledgerReport().ok)
        // Bob is untouched.
        #expect(try await box.ledger(at: "2024-06-21T10:00:00+02:00").history(ConsentID(bob.consentID)!)[0].userAgent == "Bob-UA/1")
        #expect(try await box.archive().list().isEmpty)
    }

    @Test("a minimised entry whose choice is edited, or which keeps its user agent, fails verification")
    func tamper() async throws {
        let state = try await box.record(.acceptAll, at: "2024-06-01T10:00:00+02:00",
                                         provenance: Provenance(ipPrefix: "192.0.2.0", userAgent: "UA", globalPrivacyControl: false))
        try await box.submit(email: "t@example.org", consentID: state.consentID)
        let r = try await box.open(.objection, .email("t@example.org"), at: "2024-06-20T10:00:00+02:00")
        _ = try await Objection(store: box.store, archive: box.archive(), clock: clock("2024-06-21T10:00:00+02:00"), actor: "test")
            .object(.email("t@example.org"), requestID: r.id, subjectHash: r.subject)
        #expect(try await box.ledgerReport().ok)
        let raw = try box.rawConnection()
        try await raw.write { db in try db.execute(sql: "UPDATE consent_ledger SET method = 'reject_all' WHERE seq = 1") }
        #expect(try await box.ledgerReport().firstBad?.seq == 1)
        try await raw.write { db in try db.execute(sql: "UPDATE consent_ledger SET method = 'accept_all', user_agent = 'UA' WHERE seq = 1") }
        #expect(try await box.ledgerReport().firstBad?.problem.contains("minimised") == true)
    }

    @Test("choices recorded after the objection are minimised by the next purge")
    func later() async throws {
        let state = try await box.record(.acceptAll, at: "2024-06-01T10:00:00+02:00",
                                         provenance: Provenance(ipPrefix: "192.0.2.0", userAgent: "Before-UA/1", globalPrivacyControl: false))
        let id = try #require(ConsentID(state.consentID))
        try await box.submit(email: "l@example.org", consentID: id.rawValue)
        let r = try await box.open(.objection, .email("l@example.org"), at: "2024-06-20T10:00:00+02:00")
        _ = try await Objection(store: box.store, archive: box.archive(), clock: clock("2024-06-21T10:00:00+02:00"), actor: "test")
            .object(.email("l@example.org"), requestID: r.id, subjectHash: r.subject)
        let later = "Mozilla/5.0 (after the objection 4471)"
        // A grant: a refusal would be stored without a user agent anyway (issue 15's minimisation).
        _ = try await box.record(.acceptAll, id: id, at: "2024-07-01T10:00:00+02:00",
                                 provenance: Provenance(ipPrefix: "192.0.2.0", userAgent: later, globalPrivacyControl: false))
        #expect(try await box.ledger(at: "2024-07-01T10:00:00+02:00").history(id).last?.userAgent == later)
        _ = try await box.retention(at: "2024-07-02T10:00:00+02:00").run(dryRun: true)
        #expect(try await box.ledger(at: "2024-07-02T10:00:00+02:00").history(id).last?.userAgent == later, "a dry run changed the ledger")
        let report = try await box.retention(at: "2024-07-02T10:00:00+02:00").run(dryRun: false)
        #expect(report.walTruncated)
        let history = try await box.ledger(at: "2024-07-02T10:00:00+02:00").history(id)
        #expect(history.map(\.method) == ["accept_all", "accept_all"])
        #expect(history.allSatisfy { $0.userAgent == nil && $0.ipPrefix == nil })
        #expect(box.filesContaining(later) == [])
        #expect(try await box.ledgerReport().ok)
        let purge = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }.last
        #expect(purge?.action == "purge" && purge?.details["objection.minimised"] == "1")
        #expect(try await box.holds(at: "2024-07-02T10:00:00+02:00").list().contains { $0.kind == "objection" && $0.subject == id.rawValue })
    }
}

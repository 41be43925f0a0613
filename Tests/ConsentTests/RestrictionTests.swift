import Foundation
import Testing
@testable import Consent
import Vault

@Suite("Restriction of processing (Art. 18)")
struct RestrictionTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    @Test("restricted records survive every purge until the restriction is lifted")
    func purgeKeeps() async throws {
        let c = try await box.record(.acceptAll, at: "2024-06-01T10:00:00+02:00")
        let ref = try await box.submit(email: "rita@example.org", consentID: c.consentID)
        let other = try await box.submit(email: "other@example.org")
        let r = try await box.open(.restriction, .email("rita@example.org"), at: "2024-12-20T10:00:00+01:00")
        _ = try await box.register(at: "2024-12-21T10:00:00+01:00").close(r.id, outcome: .answered)  // the open_request hold is gone
        let restriction = Restriction(store: box.store, archive: box.archive(), clock: clock("2024-12-21T10:00:00+01:00"), actor: "test")
        let report = try await restriction.restrict(.email("rita@example.org"), requestID: r.id, subjectHash: r.subject, reason: "accuracy contested")
        #expect(report == RestrictionReport(contactRequests: 1, consents: 1))
        #expect(try await box.holds(at: "2025-01-02T00:00:00+01:00").subjects(kind: .restriction, subjectKind: .contactRequest) == [ref.rawValue])
        // The programme ended: every contact request is due, a rule without 'restriction' in its holds keeps it anyway.
        let purge = try await box.retention(at: "2025-01-02T00:00:00+01:00").run(dryRun: false)
        #expect(purge.rule("contacts-at-programme-end")?.held["restriction"] == 1)
        #expect(try await box.archive().list().map(\.reference) == [ref.rawValue])
        #expect(!(try await box.archive().list().map(\.reference)).contains(other.rawValue))
        // Consent records under restriction stay too (three years after expiry).
        let late = try await box.retention(at: "2029-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(late.rule("consent-proof-after-expiry")?.held["restriction"] == 1)
        #expect(try await box.ledger(at: "2029-01-01T00:00:00+01:00").history(ConsentID(c.consentID)!).first?.method == "accept_all")
        let lifted = try await restriction.lift(requestID: r.id, subjectHash: r.subject)
        #expect(lifted == 2)
        _ = try await box.retention(at: "2029-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(try await box.archive().list().isEmpty)
        await #expect(throws: ConsentError.self) { _ = try await restriction.lift(requestID: r.id, subjectHash: r.subject) }
        let actions = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }.map(\.action)
        #expect(actions.contains("restrict") && actions.contains("restrict.lift"))
    }
}

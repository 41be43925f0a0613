import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

@Suite("Erasure (Art. 17)")
struct ErasureTests {
    let box: Sandbox
    let aliceConsent: ConsentID
    let bobConsent: ConsentID
    let aliceRefs: [Reference]
    let bobRef: Reference

    static let aliceEmail = "alice.wunderlich@example.org"

    /// Alice: a consent (given, then withdrawn) and two contact requests sent with it.
    /// Bob: a consent and one contact request.
    init() async throws {
        box = try Sandbox()
        let a = try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00")
        aliceConsent = try #require(ConsentID(a.consentID))
        _ = try await box.ledger(at: "2024-05-02T12:00:00+02:00").withdraw(aliceConsent, provenance: .none, source: .web)
        let b = try await box.record(.acceptAll, at: "2024-05-01T13:00:00+02:00")
        bobConsent = try #require(ConsentID(b.consentID))
        aliceRefs = [
            try await box.submit(name: "Alice Wunderlich", email: Self.aliceEmail, message: "Erste Anfrage von Alice",
                                 consentID: aliceConsent.rawValue, at: "2024-05-03T10:00:00+02:00"),
            try await box.submit(name: "Alice Wunderlich", email: "ALICE.Wunderlich@Example.org",
                                 message: "Zweite Anfrage von Alice", consentID: aliceConsent.rawValue, at: "2024-05-04T10:00:00+02:00"),
        ]
        bobRef = try await box.submit(name: "Bob Baumeister", email: "bob@example.org", message: "Anfrage von Bob",
                                      consentID: bobConsent.rawValue, at: "2024-05-05T10:00:00+02:00")
    }

    func rows() async throws -> [String: (sealed: Data, index: Data)] {
        try await box.store.pool.read { db in
            var out: [String: (Data, Data)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reference, sealed, email_index FROM contact_requests") {
                out[row["reference"]] = (row["sealed"], row["email_index"])
            }
            return out
        }
    }

    @Test("erasing by e-mail deletes the contact requests and redacts the linked consent entries")
    func byEmail() async throws {
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email("  Alice.Wunderlich@EXAMPLE.org "))
        #expect(report.contactRequestsDeleted == 2)
        #expect(report.consentEntriesRedacted == 2)
        #expect(report.consentEntriesAction == "delete")
        #expect(report.heldByLegalHold == 0)
        #expect(report.walTruncated)
        #expect(report.subject.count == 2 * 16)   // hex of a blind-index value
        #expect(!report.subject.contains("alice"))
        #expect(try await box.archive().find(email: Self.aliceEmail).isEmpty)
        #expect(try await box.archive().list().map(\.reference) == [bobRef.rawValue])
        await #expect(throws: ConsentError.self) { try await box.ledger(at: "2024-07-01T12:00:00+02:00").history(aliceConsent) }
        // Bob is untouched.
        #expect(try await box.ledger(at: "2024-07-01T12:00:00+02:00").history(bobConsent).count == 1)
        #expect(try await box.archive().show(bobRef.rawValue).message == "Anfrage von Bob")
    }

    @Test("after erasure neither the sealed bytes nor the index value remain in the database file or its WAL")
    func byteScanAfterErasure() async throws {
        let before = try await rows()
        let alice = try aliceRefs.map { try #require(before[$0.rawValue]) }
        let bob = try #require(before[bobRef.rawValue])
        // Make sure the scan can see them at all: checkpoint into the main file first.
        #expect(try box.store.truncateWAL())
        for r in alice {
            #expect(!box.filesContaining([UInt8](r.sealed)).isEmpty, "the scan does not find the live record")
        }
        _ = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email(Self.aliceEmail))
        for (i, r) in alice.enumerated() {
            let sealed = [UInt8](r.sealed)
            #expect(box.filesContaining(sealed) == [], "sealed blob \(i)")
            // Any 32-byte window of the ciphertext (the tail after the header) is gone too.
            for start in stride(from: 113, to: sealed.count - 32, by: 97) {
                #expect(box.filesContaining(Array(sealed[start..<(start + 32)])) == [], "sealed blob \(i) at \(start)")
            }
            #expect(box.filesContaining(Array(sealed[9..<89])) == [], "wrapped key \(i)")
            #expect(box.filesContaining([UInt8](r.index)) == [], "e-mail index \(i)")
        }
        for ref in aliceRefs { #expect(box.filesContaining(ref.rawValue) == [], "reference \(ref)") }
        #expect(box.filesContaining(aliceConsent.rawValue) == [], "consent id")
        // Bob's record is still there, byte for byte.
        #expect(!box.filesContaining([UInt8](bob.sealed)).isEmpty)
    }

    @Test("the ledger and the audit log still verify after erasure; the audit entry holds no personal data")
    func chainsVerify() async throws {
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email(Self.aliceEmail))
        let ledger = try await box.ledgerReport()
        #expect(ledger.ok)
        #expect(ledger.entries == 3)
        #expect(ledger.redacted == 2)
        #expect(try await box.auditReport().ok)
        let audit = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        let entry = try #require(audit.last)
        #expect(entry.action == "erase")
        #expect(entry.actor == "test")
        #expect(entry.subject == report.subject)
        #expect(entry.details["contact_requests_deleted"] == "2")
        #expect(entry.details["consent_entries_redacted"] == "2")
        let raw = try await box.store.pool.read { db in try String.fetchAll(db, sql: "SELECT actor || action || IFNULL(subject, '') || details FROM audit_log") }
        for text in raw {
            #expect(!text.lowercased().contains("alice"))
            #expect(!text.contains(aliceConsent.rawValue))
            #expect(!text.contains(aliceRefs[0].rawValue))
        }
    }

    @Test("a choice sent later with an erased consent id starts a new history; nothing erased returns")
    func erasedIDStaysGone() async throws {
        _ = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.consentID(aliceConsent))
        let state = try await box.record(.rejectAll, id: aliceConsent, at: "2024-07-02T12:00:00+02:00")
        #expect(state.receipt.sequence == 4)   // after Alice's two entries and Bob's one
        let history = try await box.ledger(at: "2024-07-02T12:00:00+02:00").history(aliceConsent)
        #expect(history.map(\.sequence) == [4])
        #expect(history.map(\.method) == ["reject_all"])
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger WHERE redaction IS NOT NULL AND consent_id IS NULL") == 2)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("a legal hold keeps the held record and reports it")
    func legalHold() async throws {
        _ = try await box.holds(at: "2024-06-01T10:00:00+02:00")
            .add(subjectKind: .contactRequest, subject: aliceRefs[0].rawValue, kind: .legalHold, reason: "Az. 1 O 1/24")
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email(Self.aliceEmail))
        #expect(report.contactRequestsDeleted == 1)
        #expect(report.heldByLegalHold == 1)
        #expect(try await box.archive().find(email: Self.aliceEmail).map(\.reference) == [aliceRefs[0].rawValue])
    }

    @Test("a legal hold on a consent keeps its entries")
    func consentLegalHold() async throws {
        _ = try await box.holds(at: "2024-06-01T10:00:00+02:00")
            .add(subjectKind: .consent, subject: aliceConsent.rawValue, kind: .legalHold, reason: nil)
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.consentID(aliceConsent))
        #expect(report.consentEntriesRedacted == 0)
        #expect(report.heldByLegalHold == 2)
        #expect(report.contactRequestsDeleted == 2)
        #expect(try await box.ledger(at: "2024-07-01T12:00:00+02:00").history(aliceConsent).count == 2)
    }

    @Test("an unknown person is notFound, and nothing is written")
    func unknown() async throws {
        let before = try await box.count("SELECT COUNT(*) FROM audit_log")
        await #expect(throws: ConsentError.self) {
            try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email("nobody@example.org"))
        }
        do {
            _ = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.consentID(try #require(ConsentID("ffffffffffffffffffffffffffffffff"))))
            Issue.record("erased an unknown consent id")
        } catch let error as ConsentError {
            guard case .notFound = error else { Issue.record("expected notFound, got \(error)"); return }
        }
        #expect(try await box.count("SELECT COUNT(*) FROM audit_log") == before)
        #expect(try await box.count("SELECT COUNT(*) FROM contact_requests") == 3)
    }

    @Test("erasing by consent id removes the requests sent with it and redacts its entries")
    func byConsentID() async throws {
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.consentID(bobConsent))
        #expect(report.contactRequestsDeleted == 1)
        #expect(report.consentEntriesRedacted == 1)
        #expect(try await box.archive().list().count == 2)
        #expect(try await box.ledgerReport().ok)
        #expect(box.filesContaining("bob@example.org") == [])
    }

    @Test("a second erasure of the same person finds nothing")
    func twice() async throws {
        _ = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.email(Self.aliceEmail))
        await #expect(throws: ConsentError.self) {
            try await box.erasure(at: "2024-07-02T12:00:00+02:00").erase(.email(Self.aliceEmail))
        }
    }

    @Test("with erasure.consent_records: anonymise the choice stays for statistics, the id goes")
    func anonymise() async throws {
        let policy = try Fixtures.policy(("consent_records: delete       #", "consent_records: anonymise    #"))
        #expect(policy.erasure.consentRecords == .anonymise)
        let report = try await box.erasure(at: "2024-07-01T12:00:00+02:00", policy: policy).erase(.email(Self.aliceEmail))
        #expect(report.consentEntriesAction == "anonymise")
        let rows = try box.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent_ledger WHERE redaction IS NOT NULL ORDER BY seq")
        }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { ($0["redaction"] as String?) == "anonymised" && ($0["consent_id"] as String?) == nil })
        #expect(rows.map { $0["method"] as String? } == ["accept_all", "withdraw"])
        #expect(try await box.ledgerReport().ok)
        #expect(box.filesContaining(aliceConsent.rawValue) == [])
    }
}

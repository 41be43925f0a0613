import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

@Suite("Rectification (Art. 16)")
struct RectificationTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    func rectification(at now: String) -> Rectification {
        Rectification(store: box.store, archive: box.archive(), sealer: box.sealer, index: box.index, clock: clock(now), actor: "test")
    }

    func sealed(_ ref: Reference) async throws -> (sealed: Data, index: Data) {
        try await box.store.pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT sealed, email_index FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue])!
            return (row["sealed"], row["email_index"])
        }
    }

    @Test("amend re-seals the corrected request; the old ciphertext and index are gone from file and WAL")
    func amend() async throws {
        let ref = try await box.submit(name: "Hans Wrongname", email: "hans.old@example.org", message: "Anfrage wegen Hof")
        let before = try await sealed(ref)
        #expect(try box.store.truncateWAL())
        #expect(!box.filesContaining([UInt8](before.sealed)).isEmpty, "the scan does not see the live record")
        let report = try await rectification(at: "2024-06-10T10:00:00+02:00")
            .amend(reference: ref.rawValue, correction: ContactCorrection(name: "Hans Rightname", email: "hans.new@example.org"))
        #expect(report.fields == ["name", "email"])
        #expect(report.walTruncated)
        let shown = try await box.archive().show(ref.rawValue)
        #expect(shown.name == "Hans Rightname" && shown.email == "hans.new@example.org" && shown.message == "Anfrage wegen Hof")
        #expect(try await box.archive().find(email: "hans.new@example.org").map(\.reference) == [ref.rawValue])
        #expect(try await box.archive().find(email: "hans.old@example.org").isEmpty)
        let sealedBytes = [UInt8](before.sealed)
        #expect(box.filesContaining(sealedBytes) == [])
        for start in stride(from: 113, to: sealedBytes.count - 32, by: 61) {
            #expect(box.filesContaining(Array(sealedBytes[start..<(start + 32)])) == [], "old ciphertext at \(start)")
        }
        #expect(box.filesContaining([UInt8](before.index)) == [], "the old blind-index value")
        let log = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(log.last?.action == "contacts.amend" && log.last?.details["fields"] == "name,email")
        #expect(!log.map { "\($0.details)" }.joined().contains("Hans"))
    }

    @Test("a correction is validated like the form; nothing changes when it is wrong", arguments: [
        ContactCorrection(email: "not an address"), ContactCorrection(), ContactCorrection(phone: "call me"),
    ])
    func invalid(_ correction: ContactCorrection) async throws {
        let ref = try await box.submit()
        let before = try await sealed(ref)
        await #expect(throws: ConsentError.self) { _ = try await rectification(at: "2024-06-10T10:00:00+02:00").amend(reference: ref.rawValue, correction: correction) }
        #expect(try await sealed(ref).sealed == before.sealed)
    }

    @Test("an unknown reference is not found")
    func unknown() async throws {
        await #expect(throws: ConsentError.notFound(what: "contact request CR-0000000000000000000000000")) {
            _ = try await rectification(at: "2024-06-10T10:00:00+02:00").amend(reference: "CR-0000000000000000000000000", correction: ContactCorrection(name: "X"))
        }
    }
}

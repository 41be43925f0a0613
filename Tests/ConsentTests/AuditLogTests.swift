import Foundation
import GRDB
import Testing
@testable import Consent

@Suite("Audit log")
struct AuditLogTests {
    let box: Sandbox

    init() async throws {
        box = try Sandbox()
        try await box.store.pool.write { db in
            for (i, action) in ["purge", "erase", "hold.add", "keys.rotate", "consent.revoke"].enumerated() {
                try AuditLog.append(action: action, actor: "dpo", subject: i == 1 ? "abcd" : nil, details: ["n": String(i), "ü": "ö"],
                                    at: instant("2024-0\(i + 1)-01T12:00:00+01:00"), db)
            }
        }
    }

    @Test("appended entries are numbered and chained, and verify")
    func chained() async throws {
        let report = try await box.auditReport()
        #expect(report == ChainReport(chain: "audit_log", entries: 5, redacted: 0, firstBad: nil))
        let entries = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(entries.map(\.action) == ["purge", "erase", "hold.add", "keys.rotate", "consent.revoke"])
        #expect(entries[1].subject == "abcd")
        #expect(entries[2].details == ["n": "2", "ü": "ö"])
        #expect(Timestamp.parse(entries[0].at) == instant("2024-01-01T12:00:00+01:00"))
        let since = try await box.store.pool.read { db in try AuditLog.entries(db, since: instant("2024-03-01T12:00:00+01:00")) }
        #expect(since.map(\.sequence) == [3, 4, 5])
    }

    @Test("an edited audit entry is found", arguments: [
        "details = '{\"n\":\"9\"}'", "actor = 'someone'", "action = 'nothing'", "subject = 'ffff'", "at = at + 1",
    ])
    func edited(assignment: String) async throws {
        let raw = try box.rawConnection()
        try await raw.write { db in try db.execute(sql: "UPDATE audit_log SET \(assignment) WHERE seq = 2") }
        try raw.close()
        #expect(try await box.auditReport().firstBad?.seq == 2)
    }

    @Test("a deleted audit entry is found", arguments: [Int64(1), 3, 5])
    func deleted(seq: Int64) async throws {
        try await box.store.pool.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = ?", arguments: [seq]) }
        let report = try await box.auditReport()
        if seq == 5 {
            // The newest entry has no successor: its deletion is not visible in the chain itself.
            #expect(report.entries == 4)
        } else {
            #expect(report.firstBad?.seq == seq)
        }
    }

    @Test("swapped audit entries are found")
    func swapped() async throws {
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE audit_log SET seq = 100 WHERE seq = 2")
            try db.execute(sql: "UPDATE audit_log SET seq = 2 WHERE seq = 3")
            try db.execute(sql: "UPDATE audit_log SET seq = 3 WHERE seq = 100")
        }
        #expect(try await box.auditReport().firstBad?.seq == 2)
    }

    @Test("a moved anchor does not hide a deleted prefix")
    func anchor() async throws {
        try await box.store.pool.write { db in
            let hash = try #require(try Data.fetchOne(db, sql: "SELECT entry_hash FROM audit_log WHERE seq = 2"))
            try AuditLog.setAnchor(seq: 2, hash: hash, db)
            try db.execute(sql: "DELETE FROM audit_log WHERE seq <= 2")
        }
        #expect(try await box.auditReport().ok)
        // A wrong anchor hash is found at the first entry after it.
        try await box.store.pool.write { db in try AuditLog.setAnchor(seq: 2, hash: Data(repeating: 1, count: 32), db) }
        #expect(try await box.auditReport().firstBad?.seq == 3)
        // New entries continue after the anchor's sequence.
        try await box.store.pool.write { db in
            try AuditLog.setAnchor(seq: 2, hash: try #require(try Data.fetchOne(db, sql: "SELECT prev_hash FROM audit_log WHERE seq = 3")), db)
            let e = try AuditLog.append(action: "x", actor: "y", subject: nil, details: [:], at: Date(timeIntervalSince1970: 0), db)
            #expect(e.seq == 6)
        }
        #expect(try await box.auditReport().ok)
    }

    @Test("the actor is the operating-system user")
    func actor() {
        #expect(!AuditLog.currentActor.isEmpty)
    }
}

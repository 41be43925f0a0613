import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

/// Someone edits the database file directly (here: a second GRDB connection to it); `verify`
/// must name the first entry that no longer fits the chain.
@Suite("Ledger tampering")
struct LedgerTamperTests {
    let box: Sandbox
    let ids: [ConsentID]

    /// Six entries: four choices and two withdrawals.
    init() async throws {
        box = try Sandbox()
        var ids: [ConsentID] = []
        for (i, method) in [ConsentMethod.acceptAll, .rejectAll, .acceptSelection, .acceptAll].enumerated() {
            let s = try await box.record(method, purposes: method == .acceptSelection ? ["external_media": true] : [:],
                                         at: "2024-03-0\(i + 1)T12:00:00+01:00",
                                         provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "UA \(i)"))
            ids.append(try #require(ConsentID(s.consentID)))
        }
        _ = try await box.ledger(at: "2024-03-06T12:00:00+01:00").withdraw(ids[0], provenance: .none, source: .web)
        _ = try await box.ledger(at: "2024-03-07T12:00:00+01:00").withdraw(ids[3], provenance: .none, source: .dpo)
        self.ids = ids
        #expect(try await box.ledgerReport() == ChainReport(chain: "consent_ledger", entries: 6, redacted: 0, firstBad: nil))
    }

    func tamper(_ edit: (Database) throws -> Void) throws {
        let raw = try box.rawConnection()
        try raw.write(edit)
        try raw.close()
    }

    func firstBad() async throws -> Int64? {
        // Through a fresh read of the file, as `privacyctl audit verify` would do.
        try await box.ledgerReport().firstBad?.seq
    }

    @Test("an edited purpose is found at its entry", arguments: [Int64(1), 3, 6])
    func editedPurpose(seq: Int64) async throws {
        try tamper { db in
            try db.execute(sql: "UPDATE consent_ledger SET purposes = ? WHERE seq = ?",
                           arguments: [#"{"external_media":true,"necessary":false}"#, seq])
            // Make sure the edit changed something.
            #expect(db.changesCount == 1)
        }
        let report = try await box.ledgerReport()
        #expect(report.firstBad?.seq == seq)
        #expect(report.firstBad?.problem.contains("edited") == true)
    }

    @Test("an edit of any content column is found", arguments: [
        "consent_id = 'ffffffffffffffffffffffffffffffff'", "recorded_at = recorded_at + 1", "expires_at = expires_at + 86400000",
        "policy_version = '2099-01-01'", "method = 'accept_all'", "source = 'dpo'", "services = '{}'", "ip_prefix = '198.51.100.0'",
        "user_agent = 'forged'", "gpc = 1", "gpc_conflict = 1", "reason = 'made up'", "texts_hash = x'00'", "language = 'en'",
        "page_url = 'https://evil.example/'",
    ])
    func editedColumn(assignment: String) async throws {
        try tamper { db in try db.execute(sql: "UPDATE consent_ledger SET \(assignment) WHERE seq = 2") }
        #expect(try await firstBad() == 2)
    }

    @Test("an edit with a recomputed content hash is still found (the entry hash binds it)")
    func recomputedContentHash() async throws {
        try tamper { db in
            var e = try #require(try LedgerEntry.fetchOne(db, key: 3))
            e.purposes = #"{"external_media":false,"necessary":true}"#
            e.hashContent()  // the ledger's own content hashing, as an attacker who read the code would
            try e.update(db)
        }
        #expect(try await firstBad() == 3)
    }

    @Test("an entry rehashed in full breaks the link to the next one")
    func rehashedEntry() async throws {
        try tamper { db in
            var e = try #require(try LedgerEntry.fetchOne(db, key: 3))
            e.purposes = #"{"external_media":false,"necessary":true}"#
            e.hashContent()  // the ledger's own content hashing, as an attacker who read the code would
            e.entryHash = HashChain.entryHash(prev: e.prevHash, seq: e.seq, content: e.contentHash)
            try e.update(db)
        }
        #expect(try await firstBad() == 4)
    }

    @Test("a deleted entry is named", arguments: [Int64(1), 3, 5])
    func deleted(seq: Int64) async throws {
        try tamper { db in try db.execute(sql: "DELETE FROM consent_ledger WHERE seq = ?", arguments: [seq]) }
        let report = try await box.ledgerReport()
        #expect(report.firstBad?.seq == seq)
        #expect(report.firstBad?.problem.contains("missing") == true)
    }

    @Test("two entries with swapped contents are found at the first of them")
    func swapped() async throws {
        try tamper { db in
            var a = try #require(try LedgerEntry.fetchOne(db, key: 2))
            var b = try #require(try LedgerEntry.fetchOne(db, key: 3))
            swap(&a.seq, &b.seq)
            try a.update(db)
            try b.update(db)
        }
        #expect(try await firstBad() == 2)
    }

    @Test("a renumbered entry is found")
    func renumbered() async throws {
        try tamper { db in
            try db.execute(sql: "UPDATE consent_ledger SET seq = 7 WHERE seq = 6")
            try db.execute(sql: "UPDATE consent_ledger SET seq = 6 WHERE seq = 5")
            try db.execute(sql: "UPDATE consent_ledger SET seq = 5 WHERE seq = 7")
        }
        #expect(try await firstBad() == 5)
    }

    @Test("a changed previous-hash is found at its entry", arguments: [Int64(1), 4])
    func changedPrevHash(seq: Int64) async throws {
        try tamper { db in
            try db.execute(sql: "UPDATE consent_ledger SET prev_hash = ? WHERE seq = ?", arguments: [Data(repeating: 7, count: 32), seq])
        }
        let report = try await box.ledgerReport()
        #expect(report.firstBad?.seq == seq)
        #expect(report.firstBad?.problem.contains("previous-hash") == true)
    }

    @Test("a forged entry appended with a wrong previous-hash is found")
    func forgedAppend() async throws {
        try tamper { db in
            var e = try #require(try LedgerEntry.fetchOne(db, key: 6))
            e.seq = 7
            e.prevHash = Data(repeating: 0, count: 32)
            e.hashContent()  // the ledger's own content hashing, as an attacker who read the code would
            e.entryHash = HashChain.entryHash(prev: e.prevHash, seq: e.seq, content: e.contentHash)
            try e.insert(db)
        }
        #expect(try await firstBad() == 7)
    }

    @Test("only the first bad entry is named when several were altered")
    func firstOfSeveral() async throws {
        try tamper { db in
            try db.execute(sql: "UPDATE consent_ledger SET user_agent = 'x' WHERE seq IN (4, 2, 5)")
        }
        #expect(try await firstBad() == 2)
    }

    @Test("redacted entries still verify", arguments: [RetentionAction.delete, .anonymise])
    func redacted(action: RetentionAction) async throws {
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE consent_ledger SET \(LedgerEntry.redactionAssignments(action)), redacted_at = 1 WHERE consent_id = ?",
                           arguments: [ids[0].rawValue])
        }
        let report = try await box.ledgerReport()
        #expect(report.ok)
        #expect(report.entries == 6)
        #expect(report.redacted == 2)
        // …and tampering after a redaction is still found.
        try tamper { db in try db.execute(sql: "UPDATE consent_ledger SET user_agent = 'x' WHERE seq = 3") }
        #expect(try await firstBad() == 3)
    }

    @Test("marking a live entry as anonymised does not hide an edit of its choice")
    func fakeRedaction() async throws {
        // The choice (method, purposes, services, policy version) stays in an anonymised entry for
        // statistics; an attacker who flips a choice and sets `redaction` must not pass `verify`.
        try tamper { db in
            try db.execute(sql: """
                UPDATE consent_ledger SET redaction = 'anonymised', redacted_at = 1, consent_id = NULL, ip_prefix = NULL,
                  user_agent = NULL, purposes = '{"external_media":true,"necessary":true}', method = 'accept_all'
                WHERE seq = 2
                """)
        }
        #expect(try await firstBad() == 2)
    }
}

@Suite("Ledger rows read column by column")
struct LedgerRowReadingTests {
    @Test("every column of a stored entry reads back as it was written, set or NULL")
    func roundTrip() async throws {
        let box = try Sandbox()
        let full = try await box.record(.acceptSelection, purposes: ["external_media": true], at: "2024-03-01T12:00:00+01:00",
                                        provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "UA"))
        let written = try await box.store.pool.read { db in try LedgerEntry.fetchOne(db, sql: "SELECT * FROM consent_ledger WHERE seq = 1") }
        let entry = try #require(written)
        #expect(entry.consentID == full.consentID && entry.ipPrefix == "203.0.113.0" && entry.userAgent == "UA")
        // Another row with every optional column NULL (as deletion leaves it) and every other one set.
        var other = entry
        other.seq = 99
        (other.consentID, other.expiresAt, other.policyVersion, other.method, other.source, other.purposes) = (nil, nil, nil, nil, nil, nil)
        (other.services, other.pageURL, other.language, other.ipPrefix, other.userAgent, other.gpc) = (nil, nil, nil, nil, nil, nil)
        (other.gpcConflict, other.reason, other.textsHash, other.personalHash, other.leaf, other.leafSalt) = (nil, nil, nil, nil, nil, nil)
        (other.redaction, other.redactedAt) = ("deleted", 1_717_236_000_000)
        let raw = try box.rawConnection()
        let deleted = other
        try await raw.write { db in try deleted.insert(db) }
        for original in [entry, deleted] {
            let read = try await raw.read { db in try LedgerEntry.fetchOne(db, sql: "SELECT * FROM consent_ledger WHERE seq = ?", arguments: [original.seq]) }
            #expect(read.map { "\($0)" } == "\(original)")
        }
        try raw.close()
    }

    @Test("a value of the wrong type in a column is an error, not a crash", arguments: [
        ("seq", "not a number".databaseValue), ("recorded_at", "not a number".databaseValue), ("content_hash", 7.databaseValue),
    ])
    func wrongType(column: String, value: DatabaseValue) async throws {
        let box = try Sandbox()
        _ = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00", provenance: .none)
        await #expect(throws: (any Error).self) {
            try await box.store.pool.read { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM consent_ledger"))
                var values = Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
                values[column] = value
                _ = try LedgerEntry(row: Row(values))
            }
        }
    }
}

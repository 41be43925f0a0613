import Foundation
import GRDB
import Testing
@testable import Consent

@Suite("Binding an insert's values directly")
struct StatementBinderTests {
    /// A ledger row with every column drawn at random: NULL or a value, empty texts and blobs, text
    /// with non-ASCII, quotes and an embedded NUL, the extremes of the integers.
    static func randomEntry(_ g: inout SeededRandom) -> LedgerEntry {
        func text() -> String? {
            switch Int.random(in: 0..<6, using: &g) {
            case 0: return nil
            case 1: return ""
            case 2: return "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" ü ñ 👍🏽"
            case 3: return "a\u{0}b"
            default: return String((0..<Int.random(in: 1...40, using: &g)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &g))) })
            }
        }
        func blob(_ count: Int) -> Data? {
            switch Int.random(in: 0..<4, using: &g) {
            case 0: return nil
            case 1: return Data()
            default: return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &g) })
            }
        }
        func integer() -> Int64? {
            switch Int.random(in: 0..<4, using: &g) {
            case 0: return nil
            case 1: return Int64.min
            case 2: return Int64.max
            default: return Int64.random(in: 0...4_000_000_000_000, using: &g)
            }
        }
        func flag() -> Bool? { [nil, true, false][Int.random(in: 0..<3, using: &g)] }
        return LedgerEntry(
            seq: 0, consentID: text(), recordedAt: integer() ?? 0, expiresAt: integer(), policyVersion: text(),
            method: text(), source: text(), purposes: text(), services: text(), pageURL: text(), language: text(),
            ipPrefix: text(), userAgent: text(), gpc: flag(), gpcConflict: flag(), reason: text(), textsHash: blob(32),
            contentHash: blob(32) ?? Data(), prevHash: blob(32) ?? Data(), entryHash: blob(32) ?? Data(),
            redaction: text(), redactedAt: integer(), personalHash: blob(32), leaf: blob(90), leafSalt: blob(32))
    }

    /// Every column's stored value, its SQLite type and its bytes (`quote` stops at a NUL), in column order.
    static func storedRow(_ seq: Int64, _ db: Database) throws -> [String] {
        let columns = try db.columns(in: "consent_ledger").map(\.name)
        let select = columns.map { "typeof(\($0)), quote(\($0)), hex(\($0))" }.joined(separator: ", ")
        let row = try #require(try Row.fetchOne(db, sql: "SELECT \(select) FROM consent_ledger WHERE seq = ?", arguments: [seq]))
        return (0..<row.count).map { (row[$0] as String?) ?? "?" }
    }

    @Test("300 random rows are stored exactly as GRDB's argument array stores them")
    func sameAsArguments() async throws {
        let box = try Sandbox()
        var g = SeededRandom(seed: "statement binder")
        let entries = (0..<300).map { _ in Self.randomEntry(&g) }
        try await box.store.pool.write { db in
            for (i, entry) in entries.enumerated() {
                var direct = entry, viaArguments = entry
                direct.seq = Int64(2 * i + 1)
                viaArguments.seq = Int64(2 * i + 2)
                try direct.insertFast(db)
                try viaArguments.insertWithArguments(db)
                var expected = try Self.storedRow(viaArguments.seq, db)
                var got = try Self.storedRow(direct.seq, db)
                // The seq columns differ by design.
                expected.removeFirst(3)
                got.removeFirst(3)
                #expect(got == expected, "row \(i)")
            }
        }
    }

    @Test("a statement bound with too few or too many values fails and inserts nothing")
    func wrongCount() async throws {
        let box = try Sandbox()
        try await box.store.pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO merkle_hashes (tree, idx, hash) VALUES (?, ?, ?)")
            #expect(throws: DatabaseError.self) { try insert.execute { bind in bind(1); bind(Int64(7)) } }
            #expect(throws: DatabaseError.self) { try insert.execute { bind in bind(1); bind(Int64(7)); bind(Data([1])); bind(2) } }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_hashes") == 0)
        }
    }

    @Test("after a failed insert the next one runs with its own values")
    func afterAFailure() async throws {
        let box = try Sandbox()
        try await box.store.pool.write { db in
            let sql = "INSERT INTO merkle_hashes (tree, idx, hash) VALUES (?, ?, ?)"
            try db.cachedStatement(sql: sql).execute { bind in bind(1); bind(Int64(7)); bind(Data([1])) }
            // The same key again: SQLite refuses it (and GRDB drops the failed statement from its cache).
            #expect(throws: DatabaseError.self) {
                try db.cachedStatement(sql: sql).execute { bind in bind(1); bind(Int64(7)); bind(Data([2])) }
            }
            try db.cachedStatement(sql: sql).execute { bind in bind(1); bind(Int64(8)); bind(Data([3])) }
            #expect(try String.fetchAll(db, sql: "SELECT idx || ':' || quote(hash) FROM merkle_hashes ORDER BY idx") == ["7:X'01'", "8:X'03'"])
        }
    }

    @Test("a byte array binds the blob a Data of the same bytes binds, empty included")
    func bytesAsData() async throws {
        let box = try Sandbox()
        var g = SeededRandom(seed: "blob bytes")
        let blobs: [[UInt8]] = [[], [0], [0, 0, 0], Array(repeating: 0xFF, count: 32)]
            + (0..<50).map { _ in (0..<Int.random(in: 1...64, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) } }
        try await box.store.pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO merkle_hashes (tree, idx, hash) VALUES (?, ?, ?)")
            for (i, blob) in blobs.enumerated() {
                try insert.execute { bind in bind(1); bind(Int64(2 * i)); bind(Data(blob)) }
                try insert.execute { bind in bind(1); bind(Int64(2 * i + 1)); bind(BlobBytes(blob)) }
            }
            let stored = try String.fetchAll(db, sql: "SELECT typeof(hash) || ':' || quote(hash) FROM merkle_hashes WHERE tree = 1 ORDER BY idx")
            #expect(stored.count == 2 * blobs.count)
            for i in blobs.indices {
                #expect(stored[2 * i + 1] == stored[2 * i], "blob \(i): \(blobs[i])")
            }
            #expect(stored[1] == "blob:X''")
        }
    }
}

import Foundation
import Testing

/// Issue 17, read from the sources: every table has one owner file that holds every statement
/// writing it, and the edges (the CLI and the HTTP server) reach the database only through the
/// domain: no file under `Sources/privacyctl` or `Sources/PrivacyServer` imports GRDB.
@Suite("One owner per table")
struct TableOwnershipTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Each table and the one file (under `Sources/`) that writes it. docs/architecture.md lists the same.
    static let owners: [String: String] = [
        "consent_ledger": "Consent/Ledger/LedgerEntry.swift",
        "contact_requests": "Consent/Contacts/ContactRequestRow.swift",
        "audit_log": "Consent/Audit/AuditLog.swift",
        "meta": "Consent/Audit/AuditLog.swift",
        "holds": "Consent/Retention/Holds.swift",
        "data_requests": "Consent/Requests/DataRequest.swift",
        "policy_texts": "Consent/Texts/PolicyTextArchive.swift",
        "merkle_hashes": "Consent/Transparency/TreeHashes.swift",
        "checkpoints": "Consent/Transparency/CheckpointLog.swift",
        "vault_key_pins": "Consent/Transparency/VaultKeyPins.swift",
        "wind_down_steps": "Consent/WindDown/WindDownLog.swift",
    ]

    /// Every Swift file under `Sources/`, by its path relative to it, without comment lines.
    static let files: [String: String] = {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            result[relative] = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .joined(separator: "\n")
        }
        return result
    }()

    /// The tables an SQL statement in `text` writes (INSERT, REPLACE, UPDATE, DELETE).
    static func tablesWritten(bySQLIn text: String) -> Set<String> {
        let pattern = #"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+[A-Z]+)?|DELETE\s+FROM)\s+([a-z_][a-z0-9_.]*)"#
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }.filter { !$0.hasPrefix("temp.") })
    }

    /// Whether `text` writes through GRDB's record methods (`row.insert(db)`, `.save(db)`, …).
    static func writesRecords(_ text: String) -> Bool {
        let pattern = #"(?<![A-Za-z0-9_])(?:insert|inserted|update|updateChanges|save|upsert|delete|deleteAll)\(\s*db\b"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    /// The table → files map of every write found in the sources.
    static func writers() -> [String: Set<String>] {
        var map: [String: Set<String>] = [:]
        for (file, text) in files {
            for table in tablesWritten(bySQLIn: text) { map[table, default: []].insert(file) }
        }
        return map
    }

    @Test("the scan finds the sources, and each owner file writes its table")
    func scanSeesTheSources() {
        #expect(Self.files.count > 100)
        let writers = Self.writers()
        // The other tables are written through their record type only (`record.insert(db)`).
        let bySQL: Set = ["consent_ledger", "contact_requests", "audit_log", "meta", "holds", "data_requests", "merkle_hashes"]
        for (table, owner) in Self.owners where bySQL.contains(table) {
            #expect(writers[table]?.contains(owner) == true, "\(owner) should write \(table)")
        }
    }

    @Test("each table is written from its owner file only", arguments: owners.keys.sorted())
    func oneWriter(table: String) {
        let writers = Self.writers()[table] ?? []
        let owner = Self.owners[table]!
        #expect(writers.subtracting([owner]).isEmpty,
                "\(table) is written from \(writers.subtracting([owner]).sorted()); move the statement into \(owner) as an intent-named function")
    }

    @Test("every table the sources write or the migrations create has an owner")
    func everyTableHasAnOwner() throws {
        let written = Set(Self.writers().keys)
        #expect(written.subtracting(Self.owners.keys).isEmpty, "tables without an owner: \(written.subtracting(Self.owners.keys).sorted())")
        let migrations = try #require(Self.files["Consent/Store/Migrations.swift"])
        let regex = try NSRegularExpression(pattern: #"create\(table:\s*"([a-z_]+)""#)
        let created = Set(regex.matches(in: migrations, range: NSRange(migrations.startIndex..., in: migrations)).compactMap {
            Range($0.range(at: 1), in: migrations).map { String(migrations[$0]) }
        })
        #expect(created.count >= 10)
        #expect(created.subtracting(Self.owners.keys).isEmpty, "tables without an owner: \(created.subtracting(Self.owners.keys).sorted())")
    }

    @Test("record writes (insert, update, save, delete) happen only in owner files")
    func recordWritesInOwnersOnly() {
        let ownerFiles = Set(Self.owners.values)
        let strays = Self.files.filter { Self.writesRecords($0.value) && !ownerFiles.contains($0.key) }.keys.sorted()
        #expect(strays.isEmpty, "record writes outside the owner files: \(strays)")
    }

    @Test("each table has one record type")
    func oneRecordTypePerTable() throws {
        let regex = try NSRegularExpression(pattern: #"databaseTableName\s*=\s*"([a-z_]+)""#)
        var count: [String: Int] = [:]
        for text in Self.files.values {
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(match.range(at: 1), in: text) { count[String(text[r]), default: 0] += 1 }
            }
        }
        #expect(!count.isEmpty)
        #expect(count.filter { $0.value > 1 }.isEmpty, "tables with several record types: \(count.filter { $0.value > 1 })")
    }

    @Test("the CLI and the server never import GRDB", arguments: ["privacyctl", "PrivacyServer"])
    func edgesDoNotImportGRDB(module: String) {
        let files = Self.files.filter { $0.key.hasPrefix(module + "/") }
        #expect(!files.isEmpty)
        let importing = files.filter { $0.value.range(of: #"(?m)^\s*(@testable\s+)?import\s+(struct\s+|class\s+|enum\s+|func\s+)?GRDB\b"#, options: .regularExpression) != nil }
            .keys.sorted()
        #expect(importing.isEmpty, "these import GRDB: call a domain operation of the Consent module instead")
    }

    @Test("the scan recognises what it looks for")
    func detectorsWork() {
        #expect(Self.tablesWritten(bySQLIn: #"try db.execute(sql: "UPDATE consent_ledger SET x = 1")"#) == ["consent_ledger"])
        #expect(Self.tablesWritten(bySQLIn: #"INSERT OR REPLACE INTO meta(key, value)"#) == ["meta"])
        #expect(Self.tablesWritten(bySQLIn: "DELETE FROM contact_requests WHERE") == ["contact_requests"])
        #expect(Self.tablesWritten(bySQLIn: "INSERT INTO contact_requests SELECT * FROM temp.purge_keep") == ["contact_requests"])
        #expect(Self.tablesWritten(bySQLIn: "SELECT * FROM consent_ledger").isEmpty)
        #expect(Self.writesRecords("try row.insert(db)"))
        #expect(Self.writesRecords("_ = try hold.inserted(db)"))
        #expect(!Self.writesRecords("seen.insert(id)"))
    }
}

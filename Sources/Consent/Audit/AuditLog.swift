import Foundation
import GRDB
import Vault

/// What the DPO's commands and the purges did: who (OS user), what, when, counts.
///
/// Holds no personal data: a subject is named by a keyed hash (see ``BlindIndex``), never by its
/// address or id. Hash-chained like the consent ledger. Retention may delete its oldest entries;
/// the hash of the last deleted one is kept as the anchor the remaining chain starts from.
public struct AuditEntry: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_log"
    public var seq: Int64
    public var at: Int64
    public var actor: String
    public var action: String
    public var subject: String?
    public var details: String
    public var prevHash: Data
    public var entryHash: Data

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, subject, details
        case prevHash = "prev_hash", entryHash = "entry_hash"
    }

    var canonicalContent: String {
        ["audit-v1", String(at), actor, action, subject ?? "\u{0}", details].joined(separator: "\u{1F}")
    }
}

/// An audit entry to write together with a domain change.
public struct AuditNote: Sendable {
    public var action: String
    public var actor: String
    public var subject: String?
    public var details: [String: String]

    public init(action: String, actor: String = AuditLog.currentActor, subject: String?, details: [String: String] = [:]) {
        self.action = action
        self.actor = actor
        self.subject = subject
        self.details = details
    }
}

/// A readable audit entry, for `privacyctl audit log`.
public struct AuditRecord: Sendable, Codable, Equatable {
    public var sequence: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var subject: String?
    public var details: [String: String]
}

public enum AuditLog {
    static let anchorKey = "audit_anchor"

    /// Appends an entry inside the caller's transaction, so the action and its record commit together.
    @discardableResult
    public static func append(action: String, actor: String, subject: String?, details: [String: String],
                              at: Date, _ db: Database) throws -> AuditEntry {
        let json = try String(decoding: JSONEncoder.sorted.encode(details), as: UTF8.self)
        let head = try Row.fetchOne(db, sql: "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let anchor = try anchor(db)
        let seq = (head?["seq"] as Int64? ?? anchor.seq) + 1
        let prev = head?["entry_hash"] as Data? ?? anchor.hash
        var entry = AuditEntry(seq: seq, at: Timestamp.millis(at), actor: actor, action: action, subject: subject,
                               details: json, prevHash: prev, entryHash: Data())
        entry.entryHash = HashChain.entryHash(prev: prev, seq: seq, content: HashChain.contentHash(entry.canonicalContent))
        try entry.insert(db)
        try TreeHashes.append(.auditLog, index: seq - 1, leafHash: Merkle.leafHash(entry.leaf), db)
        return entry
    }

    /// Appends `note` inside the caller's transaction.
    @discardableResult
    static func append(_ note: AuditNote, at: Date, _ db: Database) throws -> AuditEntry {
        try append(action: note.action, actor: note.actor, subject: note.subject, details: note.details, at: at, db)
    }

    /// Where the chain starts: genesis, or the last entry retention deleted.
    static func anchor(_ db: Database) throws -> (seq: Int64, hash: Data) {
        guard let value = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [anchorKey]),
              value.count == 8 + Digest.byteCount else { return (0, HashChain.genesis) }
        let seq = value.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return (seq, Data(value.suffix(Digest.byteCount)))
    }

    static func setAnchor(seq: Int64, hash: Data, _ db: Database) throws {
        var value = Data()
        withUnsafeBytes(of: seq.bigEndian) { value.append(contentsOf: $0) }
        value.append(hash)
        try setMeta(anchorKey, value, db)
    }

    /// Retention of the audit log: deletes entries 1…`seq` (a prefix only, so the rest still
    /// verifies) after making entry `seq`'s hash the chain's anchor. Returns how many were deleted.
    static func deletePrefix(through seq: Int64, lastHash: Data, _ db: Database) throws -> Int {
        try setAnchor(seq: seq, hash: lastHash, db)
        try db.execute(sql: "DELETE FROM audit_log WHERE seq <= ?", arguments: [seq])
        return db.changesCount
    }

    /// The transparency migration: how many audit entries retention deleted before the tree existed.
    static func notePrunedBeforeTree(_ count: Int64, _ db: Database) throws {
        try setMeta(TreeBackfill.auditPrunedKey, String(count), db)
    }

    /// `meta` is written only here (this file owns it): the anchor and the migration's note.
    private static func setMeta(_ key: String, _ value: some DatabaseValueConvertible, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
    }

    public static func verify(_ db: Database) throws -> ChainReport {
        var report = ChainReport(chain: "audit_log", entries: 0, redacted: 0, firstBad: nil)
        let anchor = try anchor(db)
        var expected = anchor.seq + 1
        var prev = anchor.hash
        let cursor = try AuditEntry.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
        while let e = try cursor.next() {
            report.entries += 1
            if e.seq != expected {
                report.firstBad = .init(seq: expected, problem: "audit entry \(expected) is missing (next present is \(e.seq))")
                return report
            }
            let content = HashChain.contentHash(e.canonicalContent)
            if e.prevHash != prev {
                report.firstBad = .init(seq: e.seq, problem: "its previous-hash does not match: entries were deleted, inserted or reordered")
                return report
            }
            if HashChain.entryHash(prev: e.prevHash, seq: e.seq, content: content) != e.entryHash {
                report.firstBad = .init(seq: e.seq, problem: "its content was edited after it was recorded")
                return report
            }
            prev = e.entryHash
            expected += 1
        }
        return report
    }

    /// The entries recorded at or after `since` (all when `nil`), oldest first.
    public static func entries(in store: PrivacyDatabase, since: Date?) async throws -> [AuditRecord] {
        try await store.pool.read { db in try entries(db, since: since) }
    }

    /// Writes `note` as its own transaction: for what the DPO did outside the database (a file
    /// written, backups pruned) or read from it, recorded once it is done.
    static func record(_ note: AuditNote, at: Date, in store: PrivacyDatabase) async throws {
        try await store.pool.write { db in
            _ = try append(action: note.action, actor: note.actor, subject: note.subject, details: note.details, at: at, db)
        }
    }

    public static func entries(_ db: Database, since: Date?) throws -> [AuditRecord] {
        try AuditEntry.fetchAll(db, sql: "SELECT * FROM audit_log WHERE at >= ? ORDER BY seq",
                                arguments: [since.map(Timestamp.millis) ?? Int64.min]).map { e in
            AuditRecord(sequence: e.seq, at: Timestamp.format(millis: e.at), actor: e.actor,
                        action: e.action, subject: e.subject,
                        details: (try? JSONDecoder().decode([String: String].self, from: Data(e.details.utf8))) ?? [:])
        }
    }

    /// The OS user running the command, for the audit log.
    public static var currentActor: String {
        if let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"],
           !user.isEmpty { return user }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

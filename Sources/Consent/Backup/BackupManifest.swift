import Foundation
import GRDB

/// The sizes of the database a backup holds (or a restore replaces): counts and highest sequence
/// numbers, so that a later verification can tell which entries a restore lost.
public struct DatabaseSizes: Codable, Sendable, Equatable {
    public var consentLedgerEntries: Int64
    public var consentLedgerMaxSeq: Int64
    public var auditLogEntries: Int64
    public var auditLogMaxSeq: Int64
    public var contactRequests: Int64
    public var holds: Int64

    enum CodingKeys: String, CodingKey {
        case holds
        case consentLedgerEntries = "consent_ledger_entries", consentLedgerMaxSeq = "consent_ledger_max_seq"
        case auditLogEntries = "audit_log_entries", auditLogMaxSeq = "audit_log_max_seq"
        case contactRequests = "contact_requests"
    }

    static func read(_ db: Database) throws -> DatabaseSizes {
        func one(_ sql: String) throws -> Int64 { try Int64.fetchOne(db, sql: sql) ?? 0 }
        return DatabaseSizes(
            consentLedgerEntries: try one("SELECT COUNT(*) FROM consent_ledger"),
            consentLedgerMaxSeq: try one("SELECT COALESCE(MAX(seq), 0) FROM consent_ledger"),
            auditLogEntries: try one("SELECT COUNT(*) FROM audit_log"),
            auditLogMaxSeq: try one("SELECT COALESCE(MAX(seq), 0) FROM audit_log"),
            contactRequests: try one("SELECT COUNT(*) FROM contact_requests"),
            holds: try one("SELECT COUNT(*) FROM holds"))
    }
}

/// The newest signed checkpoint a backup covers (see docs/transparency-log.md): sizes and roots only.
public struct BackupCheckpoint: Codable, Sendable, Equatable {
    public var treeSize: Int64
    public var rootHash: String
    public var auditLogSize: Int64
    public var auditLogRoot: String

    enum CodingKeys: String, CodingKey {
        case treeSize = "tree_size", rootHash = "root_hash", auditLogSize = "audit_log_size", auditLogRoot = "audit_log_root"
    }
}

/// A backup's manifest: stored in clear in the file's header (authenticated with the payload), so
/// `backup --json`, `restore` and `backup --prune` read it without the secret key. It holds no
/// personal data: times, counts, sequence numbers, hashes.
public struct BackupManifest: Codable, Sendable, Equatable {
    public var format = "privacy-engine-backup"
    public var formatVersion = 1
    public var createdAt: String
    public var createdAtMs: Int64
    /// The vault key pair the payload is sealed to (`key id` in `vault.pub`).
    public var keyID: String
    /// The newest migration the database had.
    public var schema: String
    public var database: DatabaseSizes
    /// The newest checkpoint stored in the database, `null` until checkpoints exist.
    public var newestCheckpoint: BackupCheckpoint?
    /// The tombstone file's head when the copy was taken: a restore re-applies every later line.
    public var tombstones: TombstoneLog.Head
    /// The size of the SQLite file inside.
    public var payloadBytes: Int64

    enum CodingKeys: String, CodingKey {
        case format, schema, database, tombstones
        case formatVersion = "format_version", createdAt = "created_at", createdAtMs = "created_at_ms", keyID = "key_id"
        case newestCheckpoint = "newest_checkpoint", payloadBytes = "payload_bytes"
    }

    /// Written field by field so that `newest_checkpoint` is an explicit `null`, not left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(createdAtMs, forKey: .createdAtMs)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(schema, forKey: .schema)
        try c.encode(database, forKey: .database)
        try c.encode(newestCheckpoint, forKey: .newestCheckpoint)
        try c.encode(tombstones, forKey: .tombstones)
        try c.encode(payloadBytes, forKey: .payloadBytes)
    }

    /// The newest signed checkpoint stored in `db` (`privacyctl audit checkpoint`), or `nil` before the first.
    static func newestCheckpoint(_ db: Database) throws -> BackupCheckpoint? {
        guard let latest = try CheckpointLog.latest(db) else { return nil }
        return BackupCheckpoint(treeSize: latest.treeSize, rootHash: latest.rootHash.base64EncodedString(),
                                auditLogSize: latest.auditLogSize, auditLogRoot: latest.auditLogRoot.base64EncodedString())
    }

    public func encoded() throws -> [UInt8] { [UInt8](try JSONEncoder.sorted.encode(self)) }

    public static func decode(_ bytes: [UInt8]) throws -> BackupManifest {
        do {
            return try JSONDecoder().decode(BackupManifest.self, from: Data(bytes))
        } catch {
            throw ConsentError.integrity("the backup's manifest is not readable JSON of format 1")
        }
    }
}

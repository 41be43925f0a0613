import Foundation
import GRDB
import Vault

/// A checkpoint as stored in the table `checkpoints` (written only by ``CheckpointLog``).
public struct CheckpointRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "checkpoints"
    public var id: Int64?
    public var createdAt: Int64
    public var treeSize: Int64
    public var rootHash: Data
    public var auditLogSize: Int64
    public var auditLogRoot: Data
    public var note: String

    enum CodingKeys: String, CodingKey {
        case id, note
        case createdAt = "created_at", treeSize = "tree_size", rootHash = "root_hash"
        case auditLogSize = "audit_log_size", auditLogRoot = "audit_log_root"
    }

    public var created: Date { Timestamp.date(millis: createdAt) }

    /// "checkpoint of 2026-12-01T10:00:00.000Z (ledger size 12, audit log size 3)"
    public var label: String {
        "checkpoint of \(Timestamp.format(created)) (ledger size \(treeSize), audit log size \(auditLogSize))"
    }
}

/// What `privacyctl audit checkpoint` prints and `--json` encodes (the contract's fields).
public struct CheckpointSummary: Sendable, Codable {
    public var checkpoint: String
    public var treeSize: Int64
    public var rootHash: String
    public var auditLogSize: Int64
    public var auditLogRoot: String

    enum CodingKeys: String, CodingKey {
        case checkpoint, treeSize = "tree_size", rootHash = "root_hash"
        case auditLogSize = "audit_log_size", auditLogRoot = "audit_log_root"
    }
}

/// Signs and keeps the checkpoints. Only the DPO's commands sign (they hold `audit.key`); the
/// server only reads the newest one, for receipts.
public struct CheckpointLog: Sendable {
    let store: PrivacyDatabase

    public init(store: PrivacyDatabase) { self.store = store }

    /// Signs the current heads of both trees and stores the checkpoint, in one write transaction
    /// (so the heads cannot move between reading and storing). Returns it and the one before.
    public func sign(origin: String, key: AuditKeyPair, keyName: String, at now: Date) async throws
        -> (record: CheckpointRecord, previous: CheckpointRecord?) {
        try await store.pool.write { db in
            let previous = try Self.latest(db)
            let size = try TreeHashes.size(.consentLedger, db)
            let auditSize = try TreeHashes.size(.auditLog, db)
            let checkpoint = Checkpoint(origin: origin, treeSize: size, rootHash: try TreeHashes.root(.consentLedger, size: size, db),
                                        auditLogSize: auditSize, auditLogRoot: try TreeHashes.root(.auditLog, size: auditSize, db))
            let note = try SignedNote.sign(checkpoint.text, with: key, name: keyName)
            var record = CheckpointRecord(id: nil, createdAt: Timestamp.millis(now), treeSize: size, rootHash: Data(checkpoint.rootHash),
                                          auditLogSize: auditSize, auditLogRoot: Data(checkpoint.auditLogRoot), note: note)
            try record.insert(db)
            record.id = db.lastInsertedRowID
            return (record, previous)
        }
    }

    public static func latest(_ db: Database) throws -> CheckpointRecord? {
        try CheckpointRecord.fetchOne(db, sql: "SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1")
    }

    public static func all(_ db: Database) throws -> [CheckpointRecord] {
        try CheckpointRecord.fetchAll(db, sql: "SELECT * FROM checkpoints ORDER BY id")
    }

    public func latest() async throws -> CheckpointRecord? {
        try await store.pool.read { db in try Self.latest(db) }
    }

    /// The warning the DPO's commands print when the newest checkpoint is older than the policy's
    /// `audit.checkpoint_max_age` (or when there is none), else `nil`.
    public func staleness(maxAge: ISODuration?, now: Date, calendar: Calendar) async throws -> String? {
        guard let maxAge else { return nil }
        guard let latest = try await latest() else {
            return "no checkpoint has been signed yet; run `privacyctl audit checkpoint` (the policy asks for one every \(maxAge.text))"
        }
        var c = DateComponents()
        c.year = maxAge.years; c.month = maxAge.months; c.day = maxAge.weeks * 7 + maxAge.days
        c.hour = maxAge.hours; c.minute = maxAge.minutes; c.second = maxAge.seconds
        guard let due = calendar.date(byAdding: c, to: latest.created), now > due else { return nil }
        return "the newest checkpoint is from \(Timestamp.format(latest.created)), older than \(maxAge.text); run `privacyctl audit checkpoint`"
    }
}

extension CheckpointRecord {
    public var summary: CheckpointSummary {
        CheckpointSummary(checkpoint: note, treeSize: treeSize, rootHash: rootHash.base64EncodedString(),
                          auditLogSize: auditLogSize, auditLogRoot: auditLogRoot.base64EncodedString())
    }
}

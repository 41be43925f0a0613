import Foundation
import GRDB
import Vault

/// `privacyctl backup`: a consistent copy of the live database, taken while `serve` writes, sealed
/// to the vault's public key so that making it needs no secret and a stolen copy reveals nothing.
///
/// SQLite's online backup API (through GRDB, in one read transaction, so one snapshot) copies the
/// database into a 0600 file in a private temporary folder beside it; that file is encrypted
/// chunk by chunk into the backup (see ``BackupFile``) and removed.
public struct DatabaseBackup: Sendable {
    let context: ActionContext
    let tombstones: TombstoneLog

    public init(store: PrivacyDatabase, tombstones: TombstoneLog, clock: any WallClock, actor: String = AuditLog.currentActor) {
        self.context = ActionContext(store: store, clock: clock, actor: actor)
        self.tombstones = tombstones
    }

    /// Writes the backup to `out` (a new file) and returns its manifest.
    public func write(to out: String, publicKey: VaultPublicKey) async throws -> BackupManifest {
        let now = context.clock.now()
        // The tombstone head is read under the write lock: every erasure or purge whose line is at or
        // before it has committed (its line is written inside its transaction), so the snapshot
        // taken next holds its result; every later line is re-applied by a restore.
        let tombstones = self.tombstones
        let head = try await context.store.pool.write { _ in
            do { return try tombstones.read().head } catch {
                throw ConsentError.integrity("\(error)")
            }
        }
        let temp = try PrivateTemporaryFolder(besideDatabase: context.store.path, purpose: "backup")
        defer { temp.remove() }
        let plain = try temp.createPrivateFile("copy.sqlite")
        let copy = try DatabaseQueue(path: plain)
        try context.store.pool.backup(to: copy)
        let (sizes, schema, checkpoint) = try await copy.read { db in
            (try DatabaseSizes.read(db),
             try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") ?? "",
             try BackupManifest.newestCheckpoint(db))
        }
        try copy.close()
        let bytes = (try FileManager.default.attributesOfItem(atPath: plain)[.size] as? NSNumber)?.int64Value ?? 0
        let manifest = BackupManifest(createdAt: Timestamp.format(now), createdAtMs: Timestamp.millis(now), keyID: publicKey.id.hex,
                                      schema: schema, database: sizes, newestCheckpoint: checkpoint, tombstones: head,
                                      payloadBytes: bytes)
        try BackupFile.seal(plainPath: plain, to: out, publicKey: publicKey, manifest: try manifest.encoded())
        let actor = context.actor
        try await context.store.pool.write { db in
            _ = try AuditLog.append(action: "backup", actor: actor, subject: nil, details: [
                "created_at": manifest.createdAt, "key_id": manifest.keyID,
                "consent_ledger_max_seq": String(sizes.consentLedgerMaxSeq), "audit_log_max_seq": String(sizes.auditLogMaxSeq),
                "tombstones": String(head.count),
            ], at: now, db)
        }
        return manifest
    }
}

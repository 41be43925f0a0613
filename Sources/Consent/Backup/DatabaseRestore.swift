import Foundation
import GRDB
import Vault

/// What a restore did: the backup it came from, what it replaced, what it re-applied.
public struct RestoreReport: Codable, Sendable {
    public var database: String
    public var manifest: BackupManifest
    /// The sizes of the database that was replaced; `nil` when there was none or it was unreadable.
    public var replaced: DatabaseSizes?
    /// Entries the replaced database had beyond the backup: lost by the restore (checkpoints that
    /// covered them no longer match; see docs/backups.md).
    public var ledgerEntriesLost: Int64
    public var auditEntriesLost: Int64
    public var tombstoneFile: String
    /// `after_manifest_head` (the tombstone file still holds the line the backup recorded) or
    /// `by_time` (it does not: every tombstone at or after the backup's time is re-applied).
    public var tombstoneSelection: String
    public var tombstonesIgnoredTorn: Int
    public var reapplied: [ReappliedTombstone]
    /// The restore's own entry in the audit log.
    public var auditSequence: Int64

    enum CodingKeys: String, CodingKey {
        case database, manifest, replaced, reapplied
        case ledgerEntriesLost = "ledger_entries_lost", auditEntriesLost = "audit_entries_lost"
        case tombstoneFile = "tombstone_file", tombstoneSelection = "tombstone_selection"
        case tombstonesIgnoredTorn = "tombstones_ignored_torn", auditSequence = "audit_sequence"
    }
}

/// `privacyctl restore`: writes the database from a backup, then forgets again what was erased or
/// purged after the backup was taken (Art. 17, Art. 5(1)(e)), before anything uses the database.
///
/// The backup is opened into a private temporary file (nothing is written at the database's path
/// unless every chunk verifies), migrated, the newer tombstones are re-applied, the restore is
/// recorded in the audit log, the WAL is emptied, and only then is the file renamed into place
/// (the old database's WAL and shared-memory files removed first, after checkpointing it).
public struct DatabaseRestore: Sendable {
    let databasePath: String
    let tombstones: TombstoneLog
    let index: BlindIndex
    let clock: any WallClock
    let actor: String

    public init(databasePath: String, tombstones: TombstoneLog, index: BlindIndex, clock: any WallClock,
                actor: String = AuditLog.currentActor) {
        self.databasePath = databasePath
        self.tombstones = tombstones
        self.index = index
        self.clock = clock
        self.actor = actor
    }

    /// The manifest of a backup file, read without any key (not yet authenticated: only opening
    /// the whole file proves it).
    public static func manifest(of backup: String) throws -> BackupManifest {
        try BackupManifest.decode(BackupFile.header(at: backup).manifest)
    }

    /// Refuses an existing database unless `force`; checked before the passphrase is asked.
    public func checkTarget(force: Bool) throws {
        if !force && FileManager.default.fileExists(atPath: databasePath) {
            throw ConsentError.invalid(field: "database", message: "\(databasePath) exists; restoring would replace it. Stop `privacyctl serve`, keep a copy if in doubt, and run again with --force")
        }
    }

    public func run(backup: String, keyPair: VaultKeyPair, force: Bool) async throws -> RestoreReport {
        let manifest = try Self.manifest(of: backup)
        try checkTarget(force: force)

        let temp = try PrivateTemporaryFolder(besideDatabase: databasePath, purpose: "restore")
        defer { temp.remove() }
        let plain = temp.file("restored.sqlite")
        let writer = try PrivateFileWriter(path: plain)
        do {
            try BackupFile.open(at: backup, keyPair: keyPair, into: writer)
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        let size = (try FileManager.default.attributesOfItem(atPath: plain)[.size] as? NSNumber)?.int64Value ?? -1
        guard size == manifest.payloadBytes else {
            throw ConsentError.integrity("the backup's database is \(size) bytes, its manifest says \(manifest.payloadBytes)")
        }
        let restored: PrivacyDatabase
        do {
            restored = try PrivacyDatabase(path: plain)
            let check = try await restored.pool.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard check == "ok" else { throw ConsentError.integrity("quick_check: \(check ?? "no answer")") }
        } catch {
            throw ConsentError.integrity("the backup decrypted, but the database inside does not check: \(error)")
        }
        // Only a backup that verified asks for its tombstones (a damaged file is an integrity failure).
        let (selected, selection, torn) = try tombstonesToReapply(manifest)

        let replaced = replacedSizes()
        let now = clock.now()
        let replay = TombstoneReplay(index: index)
        let actor = self.actor
        let lostLedger = max(0, (replaced?.consentLedgerMaxSeq ?? 0) - manifest.database.consentLedgerMaxSeq)
        let lostAudit = max(0, (replaced?.auditLogMaxSeq ?? 0) - manifest.database.auditLogMaxSeq)
        let replacedState = FileManager.default.fileExists(atPath: databasePath) ? (replaced == nil ? "unreadable" : "yes") : "none"
        let (reapplied, auditSeq) = try await restored.pool.write { db -> ([ReappliedTombstone], Int64) in
            var hashes: [String: String]? = nil
            var done: [ReappliedTombstone] = []
            for t in selected { done.append(try replay.apply(t, db, consentHashes: &hashes)) }
            var details = [
                "backup_created_at": manifest.createdAt, "backup_key_id": manifest.keyID,
                "backup_consent_ledger_max_seq": String(manifest.database.consentLedgerMaxSeq),
                "backup_audit_log_max_seq": String(manifest.database.auditLogMaxSeq),
                "backup_checkpoint_tree_size": manifest.newestCheckpoint.map { String($0.treeSize) } ?? "none",
                "replaced": replacedState,
                "ledger_entries_lost": String(lostLedger), "audit_entries_lost": String(lostAudit),
                "tombstones_reapplied": String(done.count), "tombstone_selection": selection,
                "contact_requests_deleted": String(done.reduce(0) { $0 + $1.contactRequestsDeleted }),
                "consent_entries_redacted": String(done.reduce(0) { $0 + $1.consentEntriesRedacted }),
                "audit_entries_deleted": String(done.reduce(0) { $0 + $1.auditEntriesDeleted }),
            ]
            if let replaced {
                details["replaced_consent_ledger_max_seq"] = String(replaced.consentLedgerMaxSeq)
                details["replaced_audit_log_max_seq"] = String(replaced.auditLogMaxSeq)
            }
            if let first = selected.first, let last = selected.last {
                details["tombstone_seqs"] = "\(first.seq)-\(last.seq)"
            }
            let entry = try AuditLog.append(action: "restore", actor: actor, subject: nil, details: details, at: now, db)
            return (done, entry.seq)
        }
        guard try restored.truncateWAL() else { throw ConsentError.storage("could not empty the restored database's WAL") }
        try restored.pool.close()
        try moveIntoPlace(plain)
        return RestoreReport(database: databasePath, manifest: manifest, replaced: replaced, ledgerEntriesLost: lostLedger,
                             auditEntriesLost: lostAudit, tombstoneFile: tombstones.path, tombstoneSelection: selection,
                             tombstonesIgnoredTorn: torn, reapplied: reapplied, auditSequence: auditSeq)
    }

    /// The tombstones newer than the backup: after the head its manifest recorded, when the file
    /// still holds that very line; otherwise (a replaced or truncated file) every one at or after
    /// the backup's time. Re-applying is idempotent, so erring towards more is safe.
    func tombstonesToReapply(_ manifest: BackupManifest) throws -> ([Tombstone], String, Int) {
        let contents: TombstoneLog.Contents
        do { contents = try tombstones.read() } catch { throw ConsentError.integrity("\(error)") }
        if !tombstones.exists && manifest.tombstones.count > 0 {
            throw ConsentError.storage("the tombstone file \(tombstones.path) is missing, but the backup was taken after \(manifest.tombstones.count) tombstones; without it erasures made after the backup cannot be re-applied. Pass --tombstones PATH (or PRIVACY_TOMBSTONES) to its copy")
        }
        let count = Int(manifest.tombstones.count)
        if count <= contents.entries.count && (count == 0 || contents.hashes[count - 1] == manifest.tombstones.hash) {
            return (Array(contents.entries[count...]), "after_manifest_head", contents.ignoredTornLines)
        }
        return (contents.entries.filter { $0.atMs >= manifest.createdAtMs }, "by_time", contents.ignoredTornLines)
    }

    /// The sizes of the database about to be replaced (checkpointed first, so its WAL holds nothing).
    private func replacedSizes() -> DatabaseSizes? {
        guard FileManager.default.fileExists(atPath: databasePath),
              let old = try? PrivacyDatabase(path: databasePath, migrate: false) else { return nil }
        let sizes = try? old.pool.read { db in try DatabaseSizes.read(db) }
        _ = try? old.truncateWAL(attempts: 5)
        try? old.pool.close()
        return sizes
    }

    /// Renames the restored file over the database. The old WAL and shared-memory files go first:
    /// SQLite would otherwise replay the old WAL into the new file.
    private func moveIntoPlace(_ plain: String) throws {
        for suffix in ["-wal", "-shm", "-journal"] { unlink(databasePath + suffix) }
        for suffix in ["-wal", "-shm"] { unlink(plain + suffix) }
        guard rename(plain, databasePath) == 0 else {
            throw ConsentError.storage("cannot move the restored database to \(databasePath): \(String(cString: strerror(errno)))")
        }
        chmod(databasePath, 0o600)
        PrivateFileWriter.syncFolder(of: databasePath)
    }
}

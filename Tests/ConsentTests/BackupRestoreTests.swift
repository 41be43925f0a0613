import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

@Suite("Backup and restore: a restore forgets again what was deleted after the backup")
struct BackupRestoreTests {
    let box: Sandbox
    let log: TombstoneLog
    let backupPath: String
    let restoredPath: String

    init() throws {
        box = try Sandbox()
        log = TombstoneLog(path: box.folder + "/data/tombstones.log")
        backupPath = box.folder + "/backup.pvbk"
        restoredPath = box.folder + "/restored/privacy.sqlite"
    }

    func backup(at now: String, to path: String? = nil) async throws -> BackupManifest {
        try await DatabaseBackup(store: box.store, tombstones: log, clock: clock(now), actor: "test")
            .write(to: path ?? backupPath, publicKey: box.keyPair.publicKey)
    }

    func restore(at now: String, force: Bool = false) async throws -> RestoreReport {
        try await DatabaseRestore(databasePath: restoredPath, tombstones: log, index: box.index, clock: clock(now), actor: "test")
            .run(backup: backupPath, keyPair: box.keyPair, force: force)
    }

    func erasure(at now: String) -> Erasure {
        Erasure(store: box.store, archive: box.archive(), policy: box.policy, clock: clock(now), index: box.index, actor: "test", tombstones: log)
    }

    func restoredBytes() -> Data {
        var data = FileManager.default.contents(atPath: restoredPath) ?? Data()
        data.append(FileManager.default.contents(atPath: restoredPath + "-wal") ?? Data())
        return data
    }

    @Test("the manifest counts what the copy holds and names no one")
    func manifest() async throws {
        let consent = try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00",
                                           provenance: Provenance(ipPrefix: "198.51.100.0", userAgent: "Marker-UA/7", globalPrivacyControl: false))
        _ = try await box.submit(email: "erika@example.org", consentID: consent.consentID)
        let m = try await backup(at: "2024-06-01T12:00:00Z")
        #expect(m.database.consentLedgerEntries == 1 && m.database.consentLedgerMaxSeq == 1)
        #expect(m.database.contactRequests == 1)
        #expect(m.newestCheckpoint == nil)
        #expect(m.keyID == box.keyPair.id.hex)
        #expect(m.schema.hasPrefix("v"))
        let bytes = Data(FileManager.default.contents(atPath: backupPath) ?? Data())
        for marker in [consent.consentID, "erika@example.org", "198.51.100", "Marker-UA/7", "Erika"] {
            #expect(!bytes.contains(Array(marker.utf8)), "\(marker) is readable in the backup")
        }
        #expect(try DatabaseRestore.manifest(of: backupPath) == m)
    }

    @Test("erased after the backup: still gone after the restore, in the file and the WAL")
    func erasureReapplied() async throws {
        let consent = try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00")
        let ref = try await box.submit(name: "Erika Mustermann", email: "erika@example.org", consentID: consent.consentID)
        let other = try await box.submit(name: "Max Nachbar", email: "max@example.org")
        let sealed = try await box.store.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue])!
        }
        _ = try await backup(at: "2024-06-01T12:00:00Z")
        _ = try await erasure(at: "2024-06-02T12:00:00Z").erase(.email("erika@example.org"))

        let report = try await restore(at: "2024-06-03T12:00:00Z")
        #expect(report.tombstoneSelection == "after_manifest_head")
        #expect(report.reapplied.count == 1)
        #expect(report.reapplied.first?.contactRequestsDeleted == 1)
        #expect(report.reapplied.first?.consentEntriesRedacted == 1)

        let restored = try PrivacyDatabase(path: restoredPath)
        let refs = try await restored.pool.read { db in try String.fetchAll(db, sql: "SELECT reference FROM contact_requests") }
        #expect(refs == [other.rawValue])
        try restored.pool.close()
        let disk = restoredBytes()
        #expect(!disk.contains(Array(consent.consentID.utf8)))
        #expect(!disk.contains(Array(ref.rawValue.utf8)))
        #expect(!disk.contains(box.index.value(forEmail: "erika@example.org")))
        for offset in stride(from: 0, to: sealed.count - 32, by: 97) {
            #expect(!disk.contains(sealed[sealed.startIndex + offset ..< sealed.startIndex + offset + 32]))
        }
    }

    @Test("an erasure older than the backup is not re-applied to what the person sent later")
    func olderErasureNotReapplied() async throws {
        _ = try await box.submit(email: "erika@example.org", at: "2024-05-01T10:00:00+02:00")
        _ = try await erasure(at: "2024-05-02T12:00:00Z").erase(.email("erika@example.org"))
        _ = try await box.submit(email: "erika@example.org", at: "2024-05-03T10:00:00+02:00")
        _ = try await backup(at: "2024-06-01T12:00:00Z")
        let report = try await restore(at: "2024-06-03T12:00:00Z")
        #expect(report.reapplied.isEmpty)
        #expect(report.manifest.tombstones.count == 1)
        let restored = try PrivacyDatabase(path: restoredPath)
        #expect(try await restored.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") } == 1)
    }

    @Test("a purge after the backup is re-applied with its own cut-off")
    func purgeReapplied() async throws {
        _ = try await box.submit(email: "erika@example.org", at: "2024-05-01T10:00:00+02:00")
        _ = try await backup(at: "2024-06-01T12:00:00Z")
        let purge = Retention(store: box.store, policy: box.policy, clock: clock("2025-01-02T00:00:00+01:00"), actor: "test", tombstones: log)
        #expect(try await purge.run(dryRun: false).rule("contacts-at-programme-end")?.done == 1)
        let report = try await restore(at: "2025-01-03T00:00:00+01:00")
        #expect(report.reapplied.map(\.kind) == [.purge])
        #expect(report.reapplied.first?.contactRequestsDeleted == 1)
        let restored = try PrivacyDatabase(path: restoredPath)
        #expect(try await restored.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") } == 0)
    }

    @Test("the restore is an audit entry with the sizes of the backup; the chains verify")
    func audited() async throws {
        for _ in 0..<3 { try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00") }
        let m = try await backup(at: "2024-06-01T12:00:00Z")
        let report = try await restore(at: "2024-06-03T12:00:00Z")
        let restored = try PrivacyDatabase(path: restoredPath)
        let (ledger, audit, entry) = try await restored.pool.read { db in
            (try ConsentLedger.verifyChain(db), try AuditLog.verify(db), try AuditLog.entries(db, since: nil).last)
        }
        #expect(ledger.ok && audit.ok)
        #expect(entry?.action == "restore")
        #expect(entry?.sequence == report.auditSequence)
        #expect(entry?.details["backup_consent_ledger_max_seq"] == String(m.database.consentLedgerMaxSeq))
        #expect(entry?.details["replaced"] == "none")
        var info = stat()
        #expect(stat(restoredPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("an existing database is refused without force; a wrong key pair changes nothing")
    func refusals() async throws {
        try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00")
        _ = try await backup(at: "2024-06-01T12:00:00Z")
        _ = try await restore(at: "2024-06-02T12:00:00Z")
        let before = FileManager.default.contents(atPath: restoredPath)
        await #expect(throws: ConsentError.self) { _ = try await restore(at: "2024-06-03T12:00:00Z") }
        let other = try VaultKeyPair.generate()
        await #expect(throws: VaultError.self) {
            _ = try await DatabaseRestore(databasePath: restoredPath, tombstones: log, index: box.index, clock: clock("2024-06-03T12:00:00Z"))
                .run(backup: backupPath, keyPair: other, force: true)
        }
        #expect(FileManager.default.contents(atPath: restoredPath) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.folder + "/restored").filter { $0.hasPrefix(".restore") }.isEmpty)
    }

    @Test("prune deletes backups older than the retention of backups, and only backups")
    func prune() async throws {
        let folder = box.folder + "/backups"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try await backup(at: "2024-04-01T12:00:00Z", to: folder + "/old.pvbk")
        _ = try await backup(at: "2024-05-25T12:00:00Z", to: folder + "/new.pvbk")
        _ = FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("keep me".utf8))
        let report = try BackupPruning.prune(folder: folder, keep: ISODuration("P30D")!, now: instant("2024-06-01T12:00:00Z"),
                                             calendar: box.policy.calendar)
        #expect(report.deleted.map(\.file) == [folder + "/old.pvbk"])
        #expect(report.kept == 1)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["new.pvbk", "notes.txt"])
    }
}

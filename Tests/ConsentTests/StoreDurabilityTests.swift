import Foundation
import GRDB
import Testing
@testable import Consent

@Suite("PrivacyDatabase durability and storage failures")
struct StoreDurabilityTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    @Test("the writer commits with synchronous = FULL (GRDB's WAL set-up would leave NORMAL)")
    func writerIsFull() throws {
        #expect(try box.store.writerSynchronous() == 2)
        // Still FULL after writes and a checkpoint on the same (only) writer connection.
        try box.store.pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS t_probe(x)") }
        try box.store.truncateWAL()
        #expect(try box.store.writerSynchronous() == 2)
    }

    @Test("statement journals and sorts stay in memory on every connection (no page copies under /var/tmp)")
    func temporaryStorageInMemory() async throws {
        let write = try await box.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        let read = try await box.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(write == 2 && read == 2)   // 2 is MEMORY
    }

    @Test("a new database, its -wal and its -shm are 0600 from the start")
    func privateFiles() throws {
        let folder = box.folder + "/fresh"
        let path = folder + "/privacy.sqlite"
        let store = try PrivacyDatabase(path: path)
        try store.pool.write { db in try db.execute(sql: "CREATE TABLE t(x)") }
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test("a symbolic link in the database's place is refused")
    func symlinkRefused() throws {
        let target = box.folder + "/elsewhere.sqlite"
        let link = box.folder + "/link.sqlite"
        FileManager.default.createFile(atPath: target, contents: nil)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: ConsentError.self) { try PrivacyDatabase(path: link) }
    }

    @Test("SQLite failures of the storage are classified", arguments: [
        (ResultCode.SQLITE_FULL, StorageCondition.full),
        (ResultCode.SQLITE_IOERR, .ioError),
        (ResultCode(rawValue: 10 | (4 << 8)), .ioError),  // SQLITE_IOERR_FSYNC
        (ResultCode.SQLITE_BUSY, .busy),
        (ResultCode.SQLITE_LOCKED, .busy),
    ])
    func classified(code: ResultCode, condition: StorageCondition) {
        #expect(StorageCondition(DatabaseError(resultCode: code)) == condition)
    }

    @Test("other errors are not storage conditions")
    func notStorage() {
        #expect(StorageCondition(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(StorageCondition(ConsentError.notFound(what: "x")) == nil)
    }

    @Test("a write lock held by another process beyond the busy timeout fails the batch as busy; health recovers by itself")
    func busyAndRecovery() async throws {
        let store = try PrivacyDatabase(path: box.databasePath, busyTimeout: 0.2)
        let health = StorageHealth()
        let writer = GroupCommitter(pool: store.pool, health: health)
        var config = Configuration()
        config.allowsUnsafeTransactions = true  // the lock is held across accesses on purpose
        let other = try DatabaseQueue(path: box.databasePath, configuration: config)
        try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        do {
            _ = try await writer.submit { db in try db.execute(sql: "CREATE TABLE t_busy(x)") }
            Issue.record("the write should have failed while the lock is held")
        } catch {
            #expect(StorageCondition(error) == .busy)
        }
        #expect(health.condition == .busy)
        try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        // No traffic needed: the probe finds the lock free again.
        let deadline = ContinuousClock.now + .seconds(10)
        while health.condition != nil && ContinuousClock.now < deadline {
            health.probeIfFailing(store)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(health.condition == nil)
        _ = try await writer.submit { db in try db.execute(sql: "CREATE TABLE t_after(x)") }
    }
}

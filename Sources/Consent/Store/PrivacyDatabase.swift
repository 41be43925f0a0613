import Foundation
import GRDB

/// The one SQLite database (WAL) that holds everything: consent ledger, sealed contact requests,
/// holds, audit log. Opened through GRDB's `DatabasePool`: many readers, one writer.
///
/// `secure_delete` is on, so deleted rows are overwritten with zeros in the file; after every
/// deletion the law asks for, ``truncateWAL()`` leaves no old page image in the WAL either.
///
/// This is the one owner of the database (GRDB's `AppDatabase` idea): the pool is internal to the
/// Consent module, so the server and the CLI reach the data only through the domain's operations
/// (`ConsentLedger.record`, `Erasure.erase`, `Retention.purge`, …), each one transaction that also
/// writes its audit entry. Every table is written from one file (see docs/architecture.md).
public final class PrivacyDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (and creates, with its folder) the database at `path`, and migrates it to the current schema.
    /// - Parameter busyTimeout: how long a write waits for another process's lock before it fails
    ///   with `SQLITE_BUSY` (the server answers that 503 `database_busy`).
    /// - Parameter readOnly: opens an existing database without writing a byte (see ``openUnchanged(path:)``).
    public init(path: String, migrate: Bool = true, busyTimeout: Double = PrivacyDatabase.defaultBusyTimeout, readOnly: Bool = false) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !readOnly {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        // The database holds personal data (sealed, but still): not readable by others. SQLite gives
        // the -wal and -shm files the database file's mode, so the file is made 0600 *before*
        // SQLite creates them (never through a symlink), and older files are tightened.
        if !readOnly {
            try Self.createPrivateFile(path)
            for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
        }
        var config = Configuration()
        config.readonly = readOnly
        // Several processes share the file (`serve` and the DPO's commands): wait for the lock
        // instead of failing. (GRDB opens pool writes with BEGIN IMMEDIATE, so no transaction has to
        // upgrade its lock half-way.)
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Statement journals, sorts and temporary tables in memory, never in a file under
            // /var/tmp: a statement journal holds copies of the pages a write touches (personal
            // data among them), and a file per transaction costs an open, writes and an unlink.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        self.path = path
        guard !readOnly else { return }
        // FULL: every commit is fsynced before the caller hears "done" (2xx means durable). GRDB
        // sets NORMAL on the writer when it turns WAL on, *after* `prepareDatabase`, so the writer
        // gets FULL again here. The pool keeps this one writer connection for its whole life.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        if migrate { try Migrations.migrator.migrate(pool) }
    }

    /// One `SELECT` of a few indexed rows, on the calling thread. GRDB runs a synchronous read
    /// inline when a reader connection is free, where the `async` read hands it to the reader's
    /// queue and wakes the caller again afterwards: on `GET /v1/consents/{id}` those two thread
    /// switches were a third of the server's CPU. Without GRDB's read transaction
    /// (`BEGIN`/`COMMIT` around it, another 12 %): one statement is consistent by itself. Only for
    /// reads that take microseconds, as it holds the caller's thread, and for one statement.
    func readOneStatement<T>(_ value: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(value)
    }

    /// The default busy timeout, in seconds.
    public static let defaultBusyTimeout: Double = 15

    /// `PRAGMA synchronous` of the writer connection: 2 is FULL.
    public func writerSynchronous() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Creates an empty file with mode 0600 unless one exists; refuses a symlink in its place.
    static func createPrivateFile(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) != S_IFLNK else {
                throw ConsentError.storage("the database path \(path) is a symbolic link; give the real file's path")
            }
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) } else if errno != EEXIST {
            throw ConsentError.storage("cannot create the database \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Checkpoints the WAL into the database file and truncates it to zero bytes, so that no page
    /// image from before a deletion survives in the WAL.
    ///
    /// `SQLITE_BUSY` is expected while another connection (the server) checkpoints or holds an old
    /// snapshot; SQLite then returns at once instead of waiting, so this retries with a growing
    /// pause, for up to about ten seconds.
    /// - Returns: `true` when a TRUNCATE checkpoint completed (every frame copied, the WAL emptied).
    @discardableResult
    public func truncateWAL(attempts: Int = 60) throws -> Bool {
        for attempt in 0..<attempts {
            do {
                // SQLITE_OK from a TRUNCATE checkpoint means it ran to the end: all frames were
                // written back and the file was truncated. Frames that writers append afterwards
                // are newer than the deletion and hold none of the deleted bytes.
                try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                return true
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                usleep(UInt32(20_000 * min(attempt + 1, 10)))
            }
        }
        return false
    }

    /// The server's group-commit writer over this database's pool (one per process).
    public func makeGroupCommitter(health: StorageHealth? = nil) -> GroupCommitter {
        GroupCommitter(pool: pool, health: health)
    }

    /// `true` when the database answers a trivial query.
    public func isHealthy() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }
}

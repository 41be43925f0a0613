import GRDB

/// Copies the WAL back into the database file from a connection of its own, so that the writer
/// never stops for it.
///
/// By default SQLite checkpoints inside the commit that takes the WAL past 1 000 pages: on the
/// server that is the group committer's thread, the one serial stage of every durable request,
/// and each such commit (reading and writing ≈ 1 000 pages, two fsyncs) held the batches queued
/// behind it. While a checkpointer is open the writer's automatic checkpoint is off
/// (`wal_autocheckpoint = 0`) and ``checkpoint()`` does the work in `PASSIVE` mode: it copies what
/// no reader still needs, never waits for the writer, and the writer never waits for it. With
/// `synchronous = FULL` it syncs the WAL before copying and the database file after, as the
/// automatic checkpoint did. ``close()`` turns the automatic checkpoint back on.
///
/// The erasure's ``PrivacyDatabase/truncateWAL(attempts:)`` still runs its own `TRUNCATE`
/// checkpoint on the writer; it retries while this one holds SQLite's checkpoint lock.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let store: PrivacyDatabase

    /// SQLite's default for the writer's automatic checkpoint, restored by ``close()``.
    static let automaticPages = 1000

    init(store: PrivacyDatabase) throws {
        var config = Configuration()
        // Never wait long for a lock: a checkpoint that cannot run now runs at the next call.
        config.busyMode = .timeout(0.2)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        connection = try DatabaseQueue(path: store.path, configuration: config)
        self.store = store
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
    }

    /// One passive checkpoint; returns the WAL's frames and how many of them are now in the
    /// database file (equal when no reader held older ones back). `SQLITE_BUSY` (another
    /// checkpoint running) is not an error: `nil`.
    @discardableResult
    public func checkpoint() async throws -> (walFrames: Int, checkpointed: Int)? {
        do {
            let result = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            return (result.walFrameCount, result.checkpointedFrameCount)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return nil
        }
    }

    /// Turns the writer's automatic checkpoint back on and closes this connection.
    public func close() throws {
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.automaticPages)")
        }
        try connection.close()
    }
}

extension PrivacyDatabase {
    /// A checkpointer for the server (see ``WALCheckpointer``); the writer's automatic checkpoint
    /// stays off until it is closed.
    public func makeCheckpointer() throws -> WALCheckpointer {
        try WALCheckpointer(store: self)
    }

    /// `PRAGMA wal_autocheckpoint` of the writer connection (0: off).
    func writerAutocheckpoint() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 }
    }
}

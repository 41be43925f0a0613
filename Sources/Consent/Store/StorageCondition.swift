import Foundation
import GRDB
import Synchronization

/// A failure of the storage itself (not of the request): the disk is full, the file system fails,
/// or another process holds the write lock longer than the busy timeout. Nothing was committed, so
/// nothing was acknowledged; the caller may retry later (the server answers 503 with `Retry-After`).
public enum StorageCondition: String, Sendable, Equatable {
    /// `SQLITE_FULL`: no space left on the database's file system.
    case full = "storage_full"
    /// `SQLITE_IOERR…`, `SQLITE_CANTOPEN`: the file system failed a read, write or sync.
    case ioError = "storage_unavailable"
    /// `SQLITE_BUSY`, `SQLITE_LOCKED`: another process held the write lock beyond the busy timeout.
    case busy = "database_busy"

    /// The condition behind `error`, or `nil` when `error` is not a storage failure.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: self = .ioError
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        default: return nil
        }
    }

    /// A sentence for the error envelope and the health answer (no personal data).
    public var explanation: String {
        switch self {
        case .full: "The database's disk is full"
        case .ioError: "The database's file system failed a write"
        case .busy: "The database is locked by another process"
        }
    }

    /// Seconds a client should wait before retrying.
    public var retryAfterSeconds: Int {
        switch self {
        case .full, .ioError: 30
        case .busy: 5
        }
    }
}

/// What the web-facing process last learned about its storage: the condition of the latest failed
/// write, until a write (or a probe) succeeds again. `/healthz` reports it.
public final class StorageHealth: Sendable {
    private struct State {
        var condition: StorageCondition?
        var probing = false
        var lastProbe: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    public init() {}

    /// The current condition; `nil` while writes succeed.
    public var condition: StorageCondition? { state.withLock { $0.condition } }

    /// Records the outcome of a write.
    public func record(_ result: Result<Void, any Error>) {
        switch result {
        case .success: state.withLock { $0.condition = nil }
        case .failure(let error):
            if let condition = StorageCondition(error) { state.withLock { $0.condition = condition } }
        }
    }

    /// While a condition is known, tries a tiny write (at most once a second, one at a time) so
    /// that health recovers by itself when space or the lock comes back, even without traffic.
    public func probeIfFailing(_ store: PrivacyDatabase) {
        let start = state.withLock { s -> Bool in
            guard s.condition != nil, !s.probing else { return false }
            if let last = s.lastProbe, ContinuousClock.now - last < .seconds(1) { return false }
            s.probing = true
            s.lastProbe = .now
            return true
        }
        guard start else { return }
        Task.detached {
            let result: Result<Void, any Error>
            do {
                try await store.probeWrite()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            self.state.withLock { $0.probing = false }
            self.record(result)
        }
    }
}

extension PrivacyDatabase {
    /// Rewrites the schema header's `user_version` with its own value: a real, committed and
    /// synced write that changes nothing.
    func probeWrite() async throws {
        try await pool.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }
}

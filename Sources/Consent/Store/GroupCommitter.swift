import GRDB

/// The single writer of the web-facing process, with group commit.
///
/// Each request hands over a small write; while one transaction is being committed (an fsync),
/// the next requests queue up and are committed together in the following transaction. Every
/// caller resumes only after *its* transaction is durable, so a 2xx still means "on disk", and
/// throughput grows with load instead of being capped at one fsync per request.
///
/// Each write runs in its own savepoint: one that fails is rolled back alone and fails alone.
public actor GroupCommitter {
    private struct Pending: Sendable {
        let apply: @Sendable (Database) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private let maxBatch: Int
    private var pending: [Pending] = []
    private var draining = false
    /// Told whether each batch committed, so `/healthz` can report a full disk or a held lock.
    private let health: StorageHealth?

    public init(pool: DatabasePool, maxBatch: Int = 256, health: StorageHealth? = nil) {
        self.pool = pool
        self.maxBatch = maxBatch
        self.health = health
    }

    /// Runs `write` inside the next group transaction and returns its result once that is committed.
    public func submit<T: Sendable>(_ write: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (c: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Pending(apply: { try write($0) }, continuation: c))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return value as! T
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let results: [Result<any Sendable, any Error>]
            do {
                results = try await pool.write { db in
                    batch.map { item in
                        do {
                            var value: (any Sendable)?
                            try db.inSavepoint {
                                value = try item.apply(db)
                                return .commit
                            }
                            return .success(value!)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                let storageFailure = results.lazy.compactMap { result -> (any Error)? in
                    if case .failure(let error) = result, StorageCondition(error) != nil { return error }
                    return nil
                }.first
                health?.record(storageFailure.map { .failure($0) } ?? .success(()))
            } catch {
                // The commit itself failed: nobody in this batch was acknowledged.
                results = batch.map { _ in .failure(error) }
                health?.record(.failure(error))
            }
            for (item, result) in zip(batch, results) {
                item.continuation.resume(with: result)
            }
        }
        draining = false
    }
}

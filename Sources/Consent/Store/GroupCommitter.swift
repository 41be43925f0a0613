import GRDB

/// The single writer of the web-facing process, with group commit.
///
/// Each request hands over a small write; while one transaction is being committed (an fsync),
/// the next requests queue up and are committed together in the following transaction. Every
/// caller resumes only after *its* transaction is durable, so a 2xx still means "on disk", and
/// throughput grows with load instead of being capped at one fsync per request.
///
/// A write that fails fails alone: a batch first runs inside one savepoint; when a write in it
/// throws, that savepoint is rolled back and the batch runs again with each write in its own
/// savepoint, so that only the failing one is rolled back (the fast path saves a savepoint per write).
/// A write may so run twice: it must act on the database only.
public actor GroupCommitter {
    /// What the writes of a batch carry from one to the next: the ledger's tail (its head and the
    /// right edge of its Merkle tree), so that an append does not read them again. Touched only
    /// inside the writer's transaction, by one write at a time; dropped whenever a write or a
    /// commit fails, so that nothing rolled back is carried on.
    public final class Carry: @unchecked Sendable {
        var ledgerTail: LedgerTail?
        init() {}
    }

    private struct Pending: Sendable {
        let apply: @Sendable (Database, Carry) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private let maxBatch: Int
    private var pending: [Pending] = []
    private var draining = false
    private let carry = Carry()
    /// Told whether each batch committed, so `/healthz` can report a full disk or a held lock.
    private let health: StorageHealth?

    public init(pool: DatabasePool, maxBatch: Int = 256, health: StorageHealth? = nil) {
        self.pool = pool
        self.maxBatch = maxBatch
        self.health = health
    }

    /// Runs `write` inside the next group transaction and returns its result once that is committed.
    public func submit<T: Sendable>(_ write: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await submit { db, _ in try write(db) }
    }

    /// As ``submit(_:)``, with the batch's ``Carry`` for writes that append to the ledger.
    func submit<T: Sendable>(_ write: @escaping @Sendable (Database, Carry) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (c: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Pending(apply: { try write($0, $1) }, continuation: c))
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
            let carry = self.carry
            do {
                results = try await pool.write { db in try Self.run(batch, carry, db) }
                let storageFailure = results.lazy.compactMap { result -> (any Error)? in
                    if case .failure(let error) = result, StorageCondition(error) != nil { return error }
                    return nil
                }.first
                health?.record(storageFailure.map { .failure($0) } ?? .success(()))
            } catch {
                // The commit itself failed: nobody in this batch was acknowledged, nothing is carried on.
                carry.ledgerTail = nil
                results = batch.map { _ in .failure(error) }
                health?.record(.failure(error))
            }
            for (item, result) in zip(batch, results) {
                item.continuation.resume(with: result)
            }
        }
        draining = false
    }

    /// Runs a batch inside the caller's transaction: all in one savepoint, or, when a write fails,
    /// again with one savepoint per write.
    private static func run(_ batch: [Pending], _ carry: Carry, _ db: Database) throws -> [Result<any Sendable, any Error>] {
        var values: [any Sendable] = []
        values.reserveCapacity(batch.count)
        do {
            try db.inSavepoint {
                for item in batch { values.append(try item.apply(db, carry)) }
                return .commit
            }
            return values.map { .success($0) }
        } catch {
            carry.ledgerTail = nil
        }
        return batch.map { item in
            do {
                var value: (any Sendable)?
                try db.inSavepoint {
                    value = try item.apply(db, carry)
                    return .commit
                }
                return .success(value!)
            } catch {
                carry.ledgerTail = nil
                return .failure(error)
            }
        }
    }
}

import GRDB

/// The single writer of the web-facing process, with group commit.
///
/// Each request hands over a small write; while one transaction is being committed (an fsync),
/// the next requests queue up and are committed together in the following transaction. Every
/// caller resumes only after *its* transaction is durable, so a 2xx still means "on disk", and
/// throughput grows with load instead of being capped at one fsync per request.
///
/// A write that fails fails alone: a batch first runs as one plain transaction; when a write in it
/// throws, that transaction is rolled back and the batch runs again in a new one with each write in
/// its own savepoint, so that only the failing one is rolled back. The fast path opens no savepoint
/// at all: SQLite keeps a statement journal (a temporary file, a copy of every page touched) only
/// while a savepoint is open. A write may so run twice: it must act on the database only.
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
                do {
                    results = try await pool.write { db in try Self.runTogether(batch, carry, db) }
                } catch is OneWriteFailed {
                    // Nothing of the batch was committed; again, each write on its own.
                    results = try await pool.write { db in Self.runEach(batch, carry, db) }
                }
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

    /// Thrown out of the fast path's transaction so that GRDB rolls it back.
    private struct OneWriteFailed: Error {}

    /// The fast path: every write of the batch in the caller's transaction, without a savepoint.
    private static func runTogether(_ batch: [Pending], _ carry: Carry, _ db: Database) throws -> [Result<any Sendable, any Error>] {
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        do {
            for item in batch { results.append(.success(try item.apply(db, carry))) }
        } catch {
            carry.ledgerTail = nil
            throw OneWriteFailed()
        }
        return results
    }

    /// After a failure: each write in its own savepoint, so that only a failing one is rolled back.
    private static func runEach(_ batch: [Pending], _ carry: Carry, _ db: Database) -> [Result<any Sendable, any Error>] {
        batch.map { item in
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

import Foundation
import GRDB
import Synchronization

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
///
/// Not an actor: the queue is a `Mutex`, and one drain task at a time takes batches from it. A
/// caller is resumed straight from the drain, on Swift's global executor, instead of hopping
/// through an actor's queue first (two scheduler jobs per request, and every request's resumption
/// serialised on the actor).
public final class GroupCommitter: Sendable {
    /// What the writes of a batch carry from one to the next: the ledger's tail (its head and the
    /// right edge of its Merkle tree), so that an append does not read them again. Touched only
    /// inside the writer's transaction, by one write at a time; dropped whenever a write or a
    /// commit fails, so that nothing rolled back is carried on.
    public final class Carry: @unchecked Sendable {
        var ledgerTail: LedgerTail?
        /// Whether `ledgerTail` was checked against the head inside the transaction now open. The
        /// writer holds SQLite's write lock until it commits, so once checked the tail stays the
        /// ledger's end for the rest of the transaction, and later appends need not read the head.
        /// (A failing write drops `ledgerTail`, and the next append reads the head again.)
        var checkedInTransaction = false
        /// Texts hashes found in `policy_texts` by a transaction that had not written them itself:
        /// committed before it, and the archive is never changed (only added to), so known for
        /// good; `PolicyTextArchive.keep` need not look them up again.
        var keptTexts: Set<Data> = []
        /// Texts hashes written by the transaction now open: known only once it has committed.
        var textsWrittenInTransaction: Set<Data> = []
        init() {}

        /// Called when a transaction begins.
        func transactionBegins() {
            checkedInTransaction = false
            textsWrittenInTransaction.removeAll(keepingCapacity: true)
        }
    }

    /// One caller's write. `apply` runs it and keeps its result for `finish`, which resumes the
    /// caller with that result or with the error that failed it.
    private struct Pending: Sendable {
        let apply: @Sendable (Database, Carry) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var pending: [Pending] = []
        var draining = false
    }

    /// The typed result of one write, set on the writer's thread before its caller is resumed.
    private final class ResultSlot<T>: @unchecked Sendable {
        var value: T?
    }

    private let pool: DatabasePool
    private let maxBatch: Int
    private let queue = Mutex(Queue())
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
        let slot = ResultSlot<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(
                apply: { db, carry in slot.value = try write(db, carry) },
                finish: { error in
                    // The value moves out of the slot (finish runs once): no copy of a ledger entry.
                    if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: slot.value.take()!) }
                })
            let startDrain = queue.withLock { queue in
                queue.pending.append(pending)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    /// How many writes wait for the next batch (tests use it to line a batch up).
    var waitingCount: Int { queue.withLock { $0.pending.count } }

    /// Takes the next batch, or ends the drain (under the same lock) when nothing is waiting.
    private func nextBatch() -> [Pending]? {
        queue.withLock { queue in
            guard !queue.pending.isEmpty else {
                queue.draining = false
                return nil
            }
            let batch = Array(queue.pending.prefix(maxBatch))
            queue.pending.removeFirst(batch.count)
            return batch
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            let errors: [(any Error)?]
            let carry = self.carry
            do {
                do {
                    errors = try await pool.write { db in try Self.runTogether(batch, carry, db) }
                } catch is OneWriteFailed {
                    // Nothing of the batch was committed; again, each write on its own.
                    errors = try await pool.write { db in Self.runEach(batch, carry, db) }
                }
                let storageFailure = errors.lazy.compactMap { error -> (any Error)? in
                    if let error, StorageCondition(error) != nil { return error }
                    return nil
                }.first
                health?.record(storageFailure.map { .failure($0) } ?? .success(()))
            } catch {
                // The commit itself failed: nobody in this batch was acknowledged, nothing is carried on.
                carry.ledgerTail = nil
                errors = batch.map { _ in error }
                health?.record(.failure(error))
            }
            for (item, error) in zip(batch, errors) {
                item.finish(error)
            }
        }
    }

    /// Thrown out of the fast path's transaction so that GRDB rolls it back.
    private struct OneWriteFailed: Error {}

    /// The fast path: every write of the batch in the caller's transaction, without a savepoint.
    private static func runTogether(_ batch: [Pending], _ carry: Carry, _ db: Database) throws -> [(any Error)?] {
        carry.transactionBegins()
        do {
            for item in batch { try item.apply(db, carry) }
        } catch {
            carry.ledgerTail = nil
            throw OneWriteFailed()
        }
        return Array(repeating: nil, count: batch.count)
    }

    /// After a failure: each write in its own savepoint, so that only a failing one is rolled back.
    private static func runEach(_ batch: [Pending], _ carry: Carry, _ db: Database) -> [(any Error)?] {
        carry.transactionBegins()
        return batch.map { item in
            do {
                try db.inSavepoint {
                    try item.apply(db, carry)
                    return .commit
                }
                return nil
            } catch {
                carry.ledgerTail = nil
                return error
            }
        }
    }
}

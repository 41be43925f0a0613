import Foundation
import GRDB
import Synchronization
import Testing
@testable import Consent
import Vault

@Suite("Group committer")
struct GroupCommitterTests {
    @Test("200 concurrent choices are all durable, with contiguous sequence numbers")
    func concurrentRecords() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool)
        let ledger = box.ledger(at: "2024-03-01T12:00:00+01:00", writer: writer)
        let version = box.policy.version
        let states = try await withThrowingTaskGroup(of: ConsentState.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await ledger.record(ConsentChoice(policyVersion: version, purposes: [:],
                                                          method: i % 3 == 0 ? .acceptAll : .rejectAll),
                                            provenance: .none)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(states.count == 200)
        #expect(states.map(\.receipt.sequence).sorted() == Array(1...200))
        #expect(Set(states.map(\.consentID)).count == 200)
        // Durable: a second, independent connection sees every one of them.
        let raw = try box.rawConnection()
        let seqs = try await raw.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM consent_ledger ORDER BY seq") }
        #expect(seqs == Array(1...200))
        let report = try await raw.read { db in try ConsentLedger.verifyChain(db) }
        #expect(report.ok && report.entries == 200)
        // Each caller's receipt is what was stored.
        for state in states.prefix(10) {
            let stored = try await raw.read { db in
                try Data.fetchOne(db, sql: "SELECT entry_hash FROM consent_ledger WHERE seq = ?", arguments: [state.receipt.sequence])
            }
            #expect(stored.map { Digest.hex([UInt8]($0)) } == state.receipt.entryHash)
        }
        try raw.close()
    }

    struct Refused: Error, Equatable { var index: Int }

    @Test("one failing write fails alone; the others in its batch commit")
    func failingWriteAlone() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool)
        let results = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for i in 0..<40 {
                group.addTask {
                    do {
                        let value = try await writer.submit { db -> Int in
                            try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, x'01')", arguments: ["k\(i)"])
                            if i == 17 { throw Refused(index: i) }
                            if i == 23 {   // a constraint violation inside the database
                                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('k0-dup', NULL)")
                                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('k0-dup', NULL)")
                            }
                            return i
                        }
                        return (i, .success(value))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 40)
        for (i, result) in results {
            switch (i, result) {
            case (17, .failure(let error)): #expect(error as? Refused == Refused(index: 17))
            case (23, .failure(let error)): #expect(error is DatabaseError)
            case (17, _), (23, _): Issue.record("write \(i) should have failed")
            case (_, .success(let value)): #expect(value == i)
            case (_, .failure(let error)): Issue.record("write \(i) failed: \(error)")
            }
        }
        let keys = try await box.store.pool.read { db in try String.fetchAll(db, sql: "SELECT key FROM meta ORDER BY key") }
        #expect(Set(keys) == Set((0..<40).filter { $0 != 17 && $0 != 23 }.map { "k\($0)" }))
    }

    @Test("appends rolled back in a batch (after they moved the carried tail) leave the chain and the Merkle tree whole")
    func failingAppendsDoNotCarry() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool)
        let ledger = box.ledger(at: "2024-03-01T12:00:00+01:00", writer: writer)
        let version = box.policy.version
        _ = try await ledger.record(ConsentChoice(policyVersion: version, purposes: [:], method: .rejectAll), provenance: .none)
        let template = try #require(try await box.store.pool.read { db in try LedgerEntry.fetchOne(db) })
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<90 {
                group.addTask {
                    do {
                        if i % 3 == 1 {
                            // Appends (moving the carried head and tree) and then fails: must leave no trace.
                            _ = try await writer.submit { db, carry -> Int64 in
                                _ = try ConsentLedger.append(template, db, carry: carry)
                                throw Refused(index: i)
                            }
                        } else {
                            _ = try await ledger.record(ConsentChoice(policyVersion: version, purposes: [:], method: .acceptAll),
                                                        provenance: .none)
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 60)
        let raw = try box.rawConnection()
        let (seqs, chain, tree, root, stored) = try await raw.read { db in
            (try Int64.fetchAll(db, sql: "SELECT seq FROM consent_ledger ORDER BY seq"), try ConsentLedger.verifyChain(db),
             try TransparencyVerifier.recompute(.consentLedger, db, checkpoints: []), try TreeHashes.root(.consentLedger, size: 61, db),
             try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_hashes WHERE tree = 0"))
        }
        #expect(seqs == Array(1...61))
        #expect(chain.ok && chain.entries == 61)
        #expect(tree.problems.isEmpty, "\(tree.problems)")
        #expect(root == tree.root)
        #expect(stored == Merkle.storedHashCount(61))
        // A later batch still appends where the ledger really ends.
        let next = try await ledger.record(ConsentChoice(policyVersion: version, purposes: [:], method: .rejectAll), provenance: .none)
        #expect(next.receipt.sequence == 62)
        try raw.close()
    }

    @Test("an append by another connection between batches is seen: the carried tail is not trusted")
    func otherWriterBetweenBatches() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool)
        let ledger = box.ledger(at: "2024-03-01T12:00:00+01:00", writer: writer)
        let cli = box.ledger(at: "2024-03-01T12:00:00+01:00")   // no writer: its own transaction, as privacyctl
        let version = box.policy.version
        for i in 0..<6 {
            let l = i % 2 == 0 ? ledger : cli
            let state = try await l.record(ConsentChoice(policyVersion: version, purposes: [:], method: .acceptAll), provenance: .none)
            #expect(state.receipt.sequence == Int64(i + 1))
        }
        let (chain, tree) = try await box.store.pool.read { db in
            (try ConsentLedger.verifyChain(db), try TransparencyVerifier.recompute(.consentLedger, db, checkpoints: []))
        }
        #expect(chain.ok && chain.entries == 6)
        #expect(tree.problems.isEmpty)
    }

    @Test("within one group transaction only the first append reads the ledger's head")
    func headReadOncePerTransaction() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool)
        let ledger = box.ledger(at: "2024-03-01T12:00:00+01:00", writer: writer)
        let version = box.policy.version
        let statements = Mutex<[String]>([])
        try await box.store.pool.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.withLock { $0.append(statement.sql) } }
            }
        }
        // The first write holds the writer until the 120 appends have queued up behind it: they form
        // one batch. (Waiting for the count, not a fixed time: a busy test run may start the
        // appends' tasks late.)
        let started = Mutex(false)
        let holder = Task {
            try await writer.submit { db -> Int in
                started.withLock { $0 = true }
                let deadline = Date().addingTimeInterval(60)
                while writer.waitingCount < 120 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
                return try Int.fetchOne(db, sql: "SELECT 1") ?? 0
            }
        }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let states = try await withThrowingTaskGroup(of: ConsentState.self) { group in
            for _ in 0..<120 {
                group.addTask {
                    try await ledger.record(ConsentChoice(policyVersion: version, purposes: [:], method: .acceptAll), provenance: .none)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        _ = try await holder.value
        #expect(states.map(\.receipt.sequence).sorted() == Array(1...120))
        let sqls = statements.withLock { $0 }
        let transactions = sqls.filter { $0.hasPrefix("BEGIN") }.count
        let headReads = sqls.filter { $0 == "SELECT seq, entry_hash FROM consent_ledger ORDER BY seq DESC LIMIT 1" }.count
        #expect(transactions == 2, "the holder's transaction and one batch of 120 (\(transactions) transactions)")
        #expect(headReads == 1)
        let report = try await box.store.pool.read { db in try ConsentLedger.verifyChain(db) }
        #expect(report.ok && report.entries == 120)
    }

    @Test("a result is handed back to its own caller")
    func results() async throws {
        let box = try Sandbox()
        let writer = GroupCommitter(pool: box.store.pool, maxBatch: 3)
        let values = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<25 {
                group.addTask { (i, try await writer.submit { _ in "value \(i)" }) }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(values == Dictionary(uniqueKeysWithValues: (0..<25).map { ($0, "value \($0)") }))
        // And the committer keeps working after a drain.
        #expect(try await writer.submit { db in try Int.fetchOne(db, sql: "SELECT 41 + 1") } == 42)
    }
}

import Foundation
import GRDB
import Testing
@testable import Consent

@Suite("Checkpoints from beside the writer")
struct WALCheckpointerTests {
    /// About 1 200 pages (past SQLite's automatic checkpoint at 1 000) in one transaction.
    static func writeFiveMegabytes(_ store: PrivacyDatabase) async throws {
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS scratch (b BLOB)")
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
                INSERT INTO scratch SELECT randomblob(4000) FROM n
                """)
        }
    }

    static func walBytes(_ store: PrivacyDatabase) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
    }

    @Test("without a checkpointer the writer copies the WAL back itself: the next write starts the WAL over")
    func writerCheckpointsByItself() async throws {
        let box = try Sandbox()
        #expect(try box.store.writerAutocheckpoint() == WALCheckpointer.automaticPages)
        try await Self.writeFiveMegabytes(box.store)
        let first = try Self.walBytes(box.store)
        try await Self.writeFiveMegabytes(box.store)
        #expect(try Self.walBytes(box.store) <= first + 64 * 1024, "the WAL grew: the writer did not checkpoint")
    }

    @Test("while a checkpointer is open the writer does not checkpoint; one call copies the WAL back; closing restores the writer's")
    func checkpointerTakesOver() async throws {
        let box = try Sandbox()
        let checkpointer = try box.store.makeCheckpointer()
        #expect(try box.store.writerAutocheckpoint() == 0)
        try await Self.writeFiveMegabytes(box.store)
        let first = try Self.walBytes(box.store)
        try await Self.writeFiveMegabytes(box.store)
        let second = try Self.walBytes(box.store)
        #expect(second > first + 4_000_000, "the writer checkpointed by itself (\(first) → \(second) bytes)")
        let result = try #require(try await checkpointer.checkpoint())
        #expect(result.walFrames > 2_000 && result.checkpointed == result.walFrames)
        // Everything copied back: the next write starts the WAL over instead of growing it.
        try await Self.writeFiveMegabytes(box.store)
        #expect(try Self.walBytes(box.store) <= second)
        #expect(try await box.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scratch") } == 3_600)
        try checkpointer.close()
        #expect(try box.store.writerAutocheckpoint() == WALCheckpointer.automaticPages)
    }
}

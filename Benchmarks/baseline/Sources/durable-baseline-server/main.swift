import BaselineAnswers
import Foundation
import GRDB
import Hummingbird
import Synchronization

/// The durable do-nothing server, for `scripts/bench`: what a durable write costs on the engine's
/// HTTP and storage stack when nothing else happens.
///
/// - `GET /healthz` answers a constant, as `baseline-server` does;
/// - `POST /v1/consents` collects the body (≤ 64 KiB), appends it as one row (a random 32-character
///   id with an index on it, as the ledger's `consent_ledger_by_id`; the body; the time) and answers
///   the constant 201 of `baseline-server` only after the row's transaction was committed and synced:
///   GRDB's `DatabasePool` in WAL mode, `PRAGMA synchronous = FULL` on the writer (set again after
///   GRDB turned WAL on, as the engine does), rows of concurrent requests committed together by one
///   writer (group commit, as the engine's `GroupCommitter`).
///
/// No decoding, no validation, no hash chain, no tree: whatever the engine's durable consent costs
/// beyond this is the engine's own work. Usage: `durable-baseline-server PORT DATABASE
/// [--time-ordered-ids]` (127.0.0.1; DATABASE is created when missing). With `--time-ordered-ids`
/// each id is 12 hexadecimal digits of the time in milliseconds before the 32 random ones, so that
/// new rows append to the id index instead of dirtying a random page of it: what time-ordered
/// consent ids would change. Prints `synchronous=2` once the writer runs with FULL.
let arguments = CommandLine.arguments
guard arguments.count == 3 || (arguments.count == 4 && arguments[3] == "--time-ordered-ids"),
      let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: durable-baseline-server PORT DATABASE [--time-ordered-ids]\n".utf8))
    exit(2)
}
let timeOrderedIDs = arguments.count == 4

var configuration = Configuration()
configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
let pool = try DatabasePool(path: arguments[2], configuration: configuration)
let synchronous = try pool.writeWithoutTransaction { db in
    try db.execute(sql: "PRAGMA synchronous = FULL")
    try db.execute(sql: """
        CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, body BLOB NOT NULL, at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS rows_by_id ON rows (id, seq);
        """)
    return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
}
FileHandle.standardOutput.write(Data("synchronous=\(synchronous)\n".utf8))   // unbuffered: scripts/bench reads it at once

/// One writer for every request's row: a request queues its row and waits; a drain task commits
/// everything queued in one transaction and then resumes the batch's callers.
final class GroupCommit: Sendable {
    private struct Waiting: Sendable {
        let id: String
        let body: Data
        let continuation: CheckedContinuation<Void, Error>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var draining = false
    }

    private let queue = Mutex(Queue())
    private let pool: DatabasePool

    init(pool: DatabasePool) { self.pool = pool }

    /// Returns once the row is committed and synced.
    func append(id: String, body: Data) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let startDrain = queue.withLock { queue in
                queue.waiting.append(Waiting(id: id, body: body, continuation: continuation))
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue in
                defer { queue.waiting = [] }
                if queue.waiting.isEmpty { queue.draining = false }
                return queue.waiting
            }
            guard !batch.isEmpty else { return }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            do {
                try await pool.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO rows (id, body, at) VALUES (?, ?, ?)")
                    for row in batch { try insert.execute(arguments: [row.id, row.body, now]) }
                }
                for row in batch { row.continuation.resume() }
            } catch {
                for row in batch { row.continuation.resume(throwing: error) }
            }
        }
    }
}

let groupCommit = GroupCommit(pool: pool)
enum RowID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// 128 random bits as 32 hexadecimal digits: a new row lands at a random place in the id index.
    /// With `timeOrdered`, the time in milliseconds as 12 hexadecimal digits comes first.
    static func random(timeOrdered: Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = [UInt8]()
        text.reserveCapacity(44)
        if timeOrdered {
            let milliseconds = UInt64(Date().timeIntervalSince1970 * 1000)
            for shift in stride(from: 44, through: 0, by: -4) { text.append(hexDigits[Int((milliseconds >> UInt64(shift)) & 15)]) }
        }
        for _ in 0..<16 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

let router = Router()
router.get("/healthz") { _, _ in
    Response(status: .ok, headers: json, body: .init(byteBuffer: healthAnswer))
}
router.post("/v1/consents") { request, _ in
    let body = try await request.body.collect(upTo: 64 * 1024)
    try await groupCommit.append(id: RowID.random(timeOrdered: timeOrderedIDs), body: Data(buffer: body))
    return Response(status: .created, headers: json, body: .init(byteBuffer: consentAnswer))
}

let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()

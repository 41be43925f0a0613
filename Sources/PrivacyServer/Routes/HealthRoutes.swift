import Consent
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// `GET /healthz`: 503 only when the database does not answer or cannot take writes (the
/// contract); a key the server may not seal to, or a failed scheduled purge or chain check, keeps
/// 200 with `"degraded"` and the detail (docs/operations.md, docs/transparency-log.md).
///
/// The common answer costs no database round trip and no encoder: see ``DatabaseLiveness`` and
/// ``HealthRoutes/okBody``.
struct HealthRoutes {
    let engine: Engine
    let liveness = DatabaseLiveness(maxAge: .seconds(1))

    struct Health: Encodable {
        var status: String
        var problems: [String]?
        var purge: String?
        var audit: String?
    }

    /// `{"status":"ok"}`, encoded once by the same encoder as every other answer.
    static let okBody = ByteBuffer(bytes: (try? JSONEncoder.api.encode(Health(status: "ok"))) ?? Data(#"{"status":"ok"}"#.utf8))

    func register(on router: Router<PrivacyRequestContext>) {
        router.get("/healthz") { _, _ in try await health() }
    }

    func health() async throws -> Response {
        guard await liveness.answers(engine.store) else {
            throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "The database does not answer.")
        }
        // A write failed for want of space or the lock: report it until a write (or the probe
        // started here) succeeds again.
        engine.health.probeIfFailing(engine.store)
        if let condition = engine.health.condition { throw APIError(condition) }
        var problems: [String] = []
        // Contact requests are refused while vault.pub is unusable (checked on every call, as the
        // intake does: a key swapped a moment ago shows here at once).
        if let refusal = engine.keys.refusal {
            let problem = if case .unpinned = refusal { "vault_key_unpinned" } else { "vault_key_unavailable" }
            problems.append(problem)
        }
        let failures = engine.purgeHealth.current
        if problems.isEmpty && failures.purge == nil && failures.audit == nil {
            return Response(status: .ok, headers: JSONAnswer.headers, body: .init(byteBuffer: Self.okBody))
        }
        return try jsonResponse(Health(status: "degraded", problems: problems.isEmpty ? nil : problems,
                                       purge: failures.purge, audit: failures.audit))
    }
}

/// Whether the database answers a trivial query, asked at most once per `maxAge` while it does.
///
/// A `SELECT 1` per `/healthz` hopped to GRDB's reader queue and back on every probe, which was most
/// of the route's cost under load. An answer younger than `maxAge` (1 s, the same pace as the storage
/// probe) is reused; a failure is never reused, so the next request asks again.
final class DatabaseLiveness: Sendable {
    private let maxAge: Duration
    private let lastAnswer = Mutex<ContinuousClock.Instant?>(nil)

    init(maxAge: Duration) { self.maxAge = maxAge }

    func answers(_ store: Store) async -> Bool {
        let now = ContinuousClock.now
        if let last = lastAnswer.withLock({ $0 }), now - last < maxAge { return true }
        let answered = await store.isHealthy()
        lastAnswer.withLock { $0 = answered ? now : nil }
        return answered
    }
}

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
    let services: WebFacingServices
    let liveness = DatabaseLiveness(maxAge: .seconds(1))
    let sealing: SealingHealth

    struct Health: ResponseEncodable {
        var status: String
        var problems: [String]?
        var purge: String?
        var audit: String?
    }

    /// `{"status":"ok"}`, encoded once by the same encoder as every other answer.
    static let okBody = ByteBuffer(bytes: (try? JSONEncoder.api.encode(Health(status: "ok"))) ?? Data(#"{"status":"ok"}"#.utf8))

    func register(on router: Router<PrivacyRequestContext>) {
        router.get("/healthz") { request, context in try await health(request, context) }
    }

    func health(_ request: Request, _ context: PrivacyRequestContext) async throws -> Response {
        guard await liveness.answers(services.store) else {
            throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "The database does not answer.")
        }
        // A write failed for want of space or the lock: report it until a write (or the probe
        // started here) succeeds again.
        services.health.probeIfFailing(services.store)
        if let condition = services.health.condition { throw APIError(condition) }
        var problems: [String] = []
        // Contact requests are refused while vault.pub is unusable.
        if let refusal = sealing.refusal(services.keys) {
            let problem = if case .unpinned = refusal { "vault_key_unpinned" } else { "vault_key_unavailable" }
            problems.append(problem)
        }
        let failures = services.purgeHealth.current
        if problems.isEmpty && failures.purge == nil && failures.audit == nil {
            return Response(status: .ok, headers: APIResponseEncoder.headers, body: .init(byteBuffer: Self.okBody))
        }
        return try Health(status: "degraded", problems: problems.isEmpty ? nil : problems, purge: failures.purge, audit: failures.audit)
            .response(from: request, context: context)
    }
}

/// Whether `vault.pub` may be sealed to, as `/healthz` reports it, without a `stat()` per probe.
///
/// The intake itself still checks the file before every seal (nothing is ever sealed to an unpinned
/// key); this only spares the health probe: it reuses the last known answer for `maxAge` (250 ms),
/// and every contact request updates that answer with what the intake just found, so a swap the
/// intake has seen shows here at once and one it has not yet seen within `maxAge`.
final class SealingHealth: Sendable {
    private let maxAge: Duration
    private let last = Mutex<(refusal: SealingKeyError?, at: ContinuousClock.Instant)?>(nil)

    init(maxAge: Duration = .milliseconds(250)) { self.maxAge = maxAge }

    func refusal(_ keys: SealingKeys) -> SealingKeyError? {
        let now = ContinuousClock.now
        if let known = last.withLock({ $0 }), now - known.at < maxAge { return known.refusal }
        let refusal = keys.refusal
        record(refusal, at: now)
        return refusal
    }

    /// What a contact request just learned about the key (`nil`: it sealed).
    func record(_ refusal: SealingKeyError?, at instant: ContinuousClock.Instant = .now) {
        last.withLock { $0 = (refusal, instant) }
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

    func answers(_ store: PrivacyDatabase) async -> Bool {
        let now = ContinuousClock.now
        if let last = lastAnswer.withLock({ $0 }), now - last < maxAge { return true }
        let answered = await store.isHealthy()
        lastAnswer.withLock { $0 = answered ? now : nil }
        return answered
    }
}

import Consent
import Foundation
import Synchronization

/// What the operator must see beyond "the database answers": whether the last scheduled purge and
/// the last chain check failed. `GET /healthz` reports it; a failure is also logged at error level.
///
/// A lock, not an actor: `/healthz` reads it on every request and must not hop executors for that.
public final class ServiceHealth: Sendable {
    /// A failure, as `/healthz` shows it: `failed at <instant>: <what>` (never personal data).
    struct Failures {
        var purge: String?
        var audit: String?
    }
    private let failures = Mutex(Failures())

    public init() {}

    public var purgeFailure: String? { failures.withLock { $0.purge } }
    public var auditFailure: String? { failures.withLock { $0.audit } }
    /// Both at once (one lock), for `/healthz`.
    var current: Failures { failures.withLock { $0 } }

    func purge(failedAt instant: Date?, _ what: String = "") {
        let text = instant.map { "failed at \(Timestamp.format($0)): \(what)" }
        failures.withLock { $0.purge = text }
    }

    func audit(failedAt instant: Date?, _ what: String = "") {
        let text = instant.map { "failed at \(Timestamp.format($0)): \(what)" }
        failures.withLock { $0.audit = text }
    }

    var isDegraded: Bool { failures.withLock { $0.purge != nil || $0.audit != nil } }
}

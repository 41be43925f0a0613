import Consent
import Foundation

/// What the operator must see beyond "the database answers": whether the last scheduled purge and
/// the last chain check failed. `GET /healthz` reports it; a failure is also logged at error level.
public actor ServiceHealth {
    /// A failure, as `/healthz` shows it: `failed at <instant>: <what>` (never personal data).
    public private(set) var purgeFailure: String?
    public private(set) var auditFailure: String?

    public init() {}

    func purge(failedAt instant: Date?, _ what: String = "") {
        purgeFailure = instant.map { "failed at \(Timestamp.format($0)): \(what)" }
    }

    func audit(failedAt instant: Date?, _ what: String = "") {
        auditFailure = instant.map { "failed at \(Timestamp.format($0)): \(what)" }
    }

    var isDegraded: Bool { purgeFailure != nil || auditFailure != nil }
}

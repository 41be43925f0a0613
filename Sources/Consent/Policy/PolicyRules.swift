import Foundation
import Yams

// Validation rules that look at more than one value: what cannot be true together.
extension PolicyParser {
    /// Which event may start a clock for which kind of data, and which action fits it.
    mutating func checkRetentionRule(_ m: [String: Node], data: DataKind?, starts: RetentionEvent?, action: RetentionAction?) {
        guard let data, let starts else { return }
        let allowed: [RetentionEvent] = switch data {
        case .contactRequests: [.received, .programmeEnd]
        case .consentRecords: [.received, .withdrawn, .expired, .programmeEnd]
        case .auditEntries: [.received]
        }
        if !allowed.contains(starts) {
            report(m["starts"]!, "bad-event", "\(data.rawValue) cannot start a clock at '\(starts.rawValue)'; use one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        if data == .auditEntries, action == .anonymise {
            report(m["action"]!, "bad-action", "audit entries hold no personal data; their only action is delete")
        }
    }

    /// Every kind of data the engine keeps needs at least one rule.
    mutating func checkCoverage(_ rules: [RetentionRule], node: Node) {
        for kind in DataKind.allCases where !rules.contains(where: { $0.data == kind }) {
            report(node, "missing-rule", "no retention rule for \(kind.rawValue): every kind of data the engine keeps needs one")
        }
    }
}

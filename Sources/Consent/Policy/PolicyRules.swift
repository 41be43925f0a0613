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

// The legal model: combinations of controller, purpose and basis that cannot all be true.
extension PolicyParser {
    /// (c) and (e) need the law they rest on (Art. 6(3)); (f) names the interest (Art. 13(1)(d)).
    mutating func checkedBasis(_ basis: LegalBasis, node: Node) -> LegalBasis {
        if basis.code.needsLaw, (basis.law ?? "").isEmpty {
            report(node, "basis-without-law", "\(basis.code.rawValue) needs the law that \(basis.code == .publicTask ? "assigns the task" : "obliges the controller") (Art. 6(3) GDPR): add law: \"…\"")
        }
        if basis.code == .legitimateInterest, basis.interest == nil, format >= 2 {
            report(node, "basis-without-interest", "6.1.f needs the legitimate interest pursued (Art. 13(1)(d) GDPR): add interest: {de: …, en: …}")
        }
        basisNodes.append((basis.code, node))
        return basis
    }

    /// A purpose the banner lets the visitor refuse rests on consent (§ 25(1) TDDDG, Art. 6(1)(a));
    /// a required one cannot (a consent that cannot be refused is not free, Art. 7(4)).
    mutating func checkPurposeBasis(_ basis: LegalBasis, required: Bool, services: [Service], node: Node) {
        if required, basis.code == .consent {
            report(node, "required-with-consent", "a required purpose cannot rest on consent (6.1.a): consent that cannot be refused is not freely given (Art. 7(4) GDPR)")
        }
        if !required, basis.code != .consent {
            report(node, "optional-without-consent", "a purpose the visitor may refuse in the banner rests on consent (6.1.a, § 25(1) TDDDG), not \(basis.code.rawValue)")
        }
    }

    /// A public body may not rest the performance of its tasks on legitimate interests (Art. 6(1) subpara. 2).
    mutating func checkBases(controller: Controller, top: [String: Node], purposes: [Purpose], contacts: ContactRequestSettings) {
        guard controller.publicBody else { return }
        for (code, node) in basisNodes where code == .legitimateInterest {
            report(node, "public-body-legitimate-interest", "the controller is a public body (controller.public_body: true): Art. 6(1)(f) does not apply to processing by public authorities in the performance of their tasks; use 6.1.e with the law that assigns the task")
        }
    }
}

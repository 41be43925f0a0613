import Foundation
import Vault

/// Who a request is about: the address they wrote from, or the consent id the banner showed them.
public enum DataSubject: Sendable {
    case email(String)
    case consentID(ConsentID)
}

extension BlindIndex {
    /// How the audit log names a person: a keyed hash, never the address or the id itself.
    public func subjectHash(_ subject: DataSubject) -> String {
        switch subject {
        case .email(let email): Digest.hex(value(for: "subject:email:" + BlindIndex.normalise(email)))
        case .consentID(let id): Digest.hex(value(for: "subject:consent:" + id.rawValue))
        }
    }
}

/// The answer to an access request (Art. 15) and a portability request (Art. 20), in one
/// machine-readable document: every datum held about the person, opened, plus the information
/// Art. 15(1)(a)–(h) requires, taken from the policy.
public struct SubjectExport: Sendable, Codable {
    public var format: String
    public var generatedAt: String
    public var subject: [String: String]
    public var controller: ControllerInfo
    public var information: Article15
    public var data: HeldData

    public struct ControllerInfo: Sendable, Codable {
        public var name: String
        public var address: String
        public var email: String?
        public var phone: String?
    }

    /// Art. 15(1)(a)–(h) and 15(2).
    public struct Article15: Sendable, Codable {
        public var purposes: [PurposeInfo]
        public var categoriesOfData: [String]
        public var recipients: [String]
        public var storagePeriod: [String]
        public var rights: [String]
        public var rightToComplain: String
        public var source: String
        public var automatedDecisionMaking: String
        public var thirdCountryTransfers: String

        enum CodingKeys: String, CodingKey {
            case purposes, recipients, rights, source
            case categoriesOfData = "categories_of_data", storagePeriod = "storage_period"
            case rightToComplain = "right_to_complain", automatedDecisionMaking = "automated_decision_making"
            case thirdCountryTransfers = "third_country_transfers"
        }
    }

    public struct PurposeInfo: Sendable, Codable {
        public var purpose: String
        public var legalBasis: String
        public var data: String
        enum CodingKeys: String, CodingKey { case purpose, data, legalBasis = "legal_basis" }
    }

    public struct HeldData: Sendable, Codable {
        public var contactRequests: [ContactRequestView]
        public var consents: [ConsentHistory]
        enum CodingKeys: String, CodingKey { case consents, contactRequests = "contact_requests" }
    }

    public struct ConsentHistory: Sendable, Codable {
        public var consentID: String
        public var entries: [HistoryEntry]
        enum CodingKeys: String, CodingKey { case entries, consentID = "consent_id" }
    }

    enum CodingKeys: String, CodingKey {
        case format, subject, controller, information, data
        case generatedAt = "generated_at"
    }

    public var isEmpty: Bool { data.contactRequests.isEmpty && data.consents.isEmpty }
}

extension SubjectExport {
    /// Collects everything held about `subject`. Nobody else's data can enter: contact requests are
    /// matched by their opened address (or consent id), consent entries by their consent id.
    public static func build(for subject: DataSubject, archive: ContactArchive, ledger: ConsentLedger,
                             policy: Policy, now: Date) async throws -> SubjectExport {
        try await buildReporting(for: subject, archive: archive, ledger: ledger, policy: policy, now: now).export
    }

    /// ``build(for:archive:ledger:policy:now:)``, and the candidate contact requests that could not
    /// be opened (so could not be checked): reported to the DPO, not put into the person's file.
    public static func buildReporting(for subject: DataSubject, archive: ContactArchive, ledger: ConsentLedger,
                                      policy: Policy, now: Date) async throws -> (export: SubjectExport, unreadable: [UnreadableRequest]) {
        var contacts: [ContactRequestView]
        var consentIDs: [ConsentID] = []
        var subjectInfo: [String: String] = [:]
        let opened: OpenedRequests
        switch subject {
        case .email(let email):
            subjectInfo["email"] = email
            opened = try await archive.findOpened(email: email)
            contacts = opened.requests
            consentIDs = contacts.compactMap { $0.consentID.flatMap(ConsentID.init) }
        case .consentID(let id):
            subjectInfo["consent_id"] = id.rawValue
            opened = try await archive.findOpened(consentID: id)
            contacts = opened.requests
            consentIDs = [id]
        }
        var histories: [ConsentHistory] = []
        for id in Set(consentIDs).sorted(by: { $0.rawValue < $1.rawValue }) {
            if let entries = try? await ledger.history(id) {
                histories.append(ConsentHistory(consentID: id.rawValue, entries: entries))
            }
        }
        contacts.sort { $0.receivedAt < $1.receivedAt }
        return (SubjectExport(
            format: "privacy-engine-export/1", generatedAt: Timestamp.format(now), subject: subjectInfo,
            controller: ControllerInfo(name: policy.controller.name, address: policy.controller.address,
                                       email: policy.controller.email, phone: policy.controller.phone),
            information: article15(policy),
            data: HeldData(contactRequests: contacts, consents: histories)), opened.unreadable)
    }

    static func article15(_ policy: Policy) -> Article15 {
        var purposes = [PurposeInfo(purpose: policy.contactRequests.purpose, legalBasis: policy.contactRequests.legalBasis,
                                    data: "contact requests: " + policy.contactRequests.categories.joined(separator: ", "))]
        for p in policy.consent.purposes {
            purposes.append(PurposeInfo(purpose: "consent record for '\(p.title.text("de"))' (\(p.id)): proof of your choice (Art. 7(1) GDPR)",
                                        legalBasis: "Art. 6(1)(c) GDPR with Art. 7(1) GDPR; for the purpose itself: \(p.legalBasis)",
                                        data: "consent id, time, choice per purpose and service, page, language, IP address truncated to /24 (IPv4) or /48 (IPv6), browser user agent, Global Privacy Control signal"))
        }
        let periods = policy.retention.map { rule -> String in
            let event = switch rule.starts {
            case .received: "after it was received or recorded"
            case .withdrawn: "after the consent was withdrawn"
            case .expired: "after the consent expired"
            case .programmeEnd: "after the programme ended (\(Timestamp.format(policy.programmeEndInstant)))"
            }
            return "\(rule.data.rawValue): \(rule.action.rawValue) \(rule.after.text) \(event) (rule \(rule.id))"
        }
        let recipients = policy.contactRequests.recipients + policy.consent.allServices.map {
            "\($0.service.title.text("de")): \($0.service.provider) (only after your consent; privacy notice \($0.service.privacyURL))"
        }
        return Article15(
            purposes: purposes,
            categoriesOfData: policy.contactRequests.categories + ["consent records"],
            recipients: recipients,
            storagePeriod: periods,
            rights: [
                "access (Art. 15 GDPR)", "rectification (Art. 16 GDPR)", "erasure (Art. 17 GDPR)",
                "restriction of processing (Art. 18 GDPR)", "data portability (Art. 20 GDPR)",
                "objection (Art. 21 GDPR)", "withdrawal of consent at any time, without affecting earlier processing (Art. 7(3) GDPR)",
            ],
            rightToComplain: "You may complain to a supervisory authority (Art. 77 GDPR), in particular: \(policy.controller.supervisoryAuthority)",
            source: policy.contactRequests.source + "; consent records: your choices in the cookie banner of the website",
            automatedDecisionMaking: "none: no automated decision-making, including profiling, takes place (Art. 22 GDPR)",
            thirdCountryTransfers: "none by the controller; embedded third-party services (YouTube, Google Maps) may transfer data to third countries once you allow them")
    }
}

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
        /// The DPO's contact (Art. 13(1)(b)), and who processes on the controller's behalf.
        public var dpo: DPOInfo?
        public var processors: [String]?
    }

    public struct DPOInfo: Sendable, Codable {
        public var name: String
        public var address: String
        public var email: String
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
        /// The rights that follow from the basis (`access`, …, `portability`, `objection`, `withdrawal`).
        public var rights: [String]
        enum CodingKeys: String, CodingKey { case purpose, data, rights, legalBasis = "legal_basis" }
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
                                       email: policy.controller.email, phone: policy.controller.phone,
                                       dpo: policy.dpo.map { DPOInfo(name: $0.name, address: $0.address, email: $0.email) },
                                       processors: policy.processors.isEmpty ? nil : policy.processors.map { "\($0.name), \($0.address): \($0.role.text("en"))" }),
            information: article15(policy),
            data: HeldData(contactRequests: contacts, consents: histories)), opened.unreadable)
    }

    /// Art. 15(1)(a)–(h) from the same model as the privacy notice (``Policy/activities``).
    static func article15(_ policy: Policy) -> Article15 {
        let lang = "en"
        let activities = policy.activities
        let purposes = activities.map { a in
            PurposeInfo(purpose: "\(a.title.text(lang)) (\(a.id)): \(a.purpose.text(lang))",
                        legalBasis: a.basis.summary(lang),
                        data: a.disclosure.data?.text(lang) ?? a.title.text(lang),
                        rights: a.rights.map(\.rawValue))
        }
        let periods = policy.retention.map { rule -> String in
            var line = "\(rule.data.rawValue): \(rule.spoken(lang, policy: policy)) (rule \(rule.id))"
            if let reason = rule.reason { line += " Reason: " + reason.text(lang) }
            return line
        } + ["cookie \(policy.consent.cookieName): kept in your browser for \(policy.consent.validDays) days"]
        var recipients: [String] = []
        for a in activities {
            for r in a.disclosure.recipients.map({ $0.text(lang) }) where !recipients.contains(r) { recipients.append(r) }
        }
        recipients += policy.consent.allServices.map {
            "\($0.service.title.text(lang)): \($0.service.provider) (only after your consent; privacy notice \($0.service.privacyURL))"
        }
        var rights: [String] = []
        for right in DataSubjectRight.allCases {
            let applies = activities.filter { $0.rights.contains(right) }.map(\.id)
            guard !applies.isEmpty else { continue }
            rights.append(DocumentText.right(right, false) + " – for: " + applies.joined(separator: ", "))
        }
        let transfers = activities.flatMap { a in
            a.disclosure.transfers.map { "\(a.title.text(lang)): \($0.country), \($0.safeguard.text(lang))" }
        }
        var categories = policy.contactRequests.categories
        categories.append("consent records")
        return Article15(
            purposes: purposes,
            categoriesOfData: categories,
            recipients: recipients,
            storagePeriod: periods,
            rights: rights,
            rightToComplain: "You may complain to a supervisory authority (Art. 77 GDPR), in particular: \(policy.controller.supervisoryAuthority)",
            source: policy.contactRequests.source + "; consent records: your choices in the cookie banner of the website",
            automatedDecisionMaking: "none: no automated decision-making, including profiling, takes place (Art. 22 GDPR)",
            thirdCountryTransfers: transfers.isEmpty ? "none" : transfers.joined(separator: "; "))
    }
}

extension SubjectExport {
    /// Records in the audit log that an export (Art. 15 / Art. 20) was handed out, once its file is
    /// written: the person by keyed hash, the counts, no personal data.
    public static func recordHandedOut(subjectHash: String, contactRequests: Int, consentEntries: Int, at: Date,
                                       in store: PrivacyDatabase, actor: String = AuditLog.currentActor) async throws {
        try await AuditLog.record(AuditNote(action: "export", actor: actor, subject: subjectHash, details: [
            "contact_requests": String(contactRequests), "consent_entries": String(consentEntries),
        ]), at: at, in: store)
    }
}

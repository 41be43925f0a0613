import Foundation

/// The declarative policy: controller, programme, consent purposes, retention rules.
/// Read from YAML by ``PolicyParser``; the schema is documented in `policies/README.md`.
public struct Policy: Sendable {
    public var format: Int
    /// The version the banner records choices against; a change makes older choices outdated.
    public var version: String
    public var controller: Controller
    public var timeZone: TimeZone
    public var programme: Programme
    public var consent: ConsentSettings
    public var contactRequests: ContactRequestSettings
    public var retention: [RetentionRule]
    public var erasure: ErasureSettings
    public var archive: ArchiveSettings
    /// The public holidays at the controller's seat, for the deadlines of requests (Art. 12(3)).
    public var holidays = HolidayCalendar(region: .none)
    /// What happens after the programme's end (`privacyctl wind-down`); see docs/wind-down.md.
    public var windDown: WindDownSettings = WindDownSettings()
    /// BLAKE2b-256 of the file's bytes, hex: recorded with every purge.
    public var sourceHash: String
    /// `log_origin`: the first line of every checkpoint; `nil` for the default, see ``checkpointOrigin``.
    public var logOrigin: String? = nil
    /// `audit.checkpoint_max_age`: how old the newest checkpoint may be before the DPO's commands warn.
    public var checkpointMaxAge: ISODuration? = nil

    /// The transparency log's origin: `log_origin`, else `<controller e-mail domain>/consent-ledger`.
    public var checkpointOrigin: String {
        if let logOrigin { return logOrigin }
        if let email = controller.email, let at = email.lastIndex(of: "@") {
            return email[email.index(after: at)...].lowercased() + "/consent-ledger"
        }
        return "consent-ledger"
    }
    /// The data protection officer (Art. 13(1)(b)); required from format 2 on.
    public var dpo: DataProtectionOfficer? = nil
    /// Processors acting on the controller's behalf (Art. 28), named in the notice and the record.
    public var processors: [Processor] = []

    /// Calendar arithmetic (durations, days, programme end) happens in the policy's time zone.
    public var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// The first instant after the programme: midnight local time after `end_date`.
    public var programmeEndInstant: Date {
        let c = calendar
        let lastDay = c.date(from: programme.endDate)!
        return c.date(byAdding: .day, value: 1, to: lastDay)!
    }

    /// When contact requests are collected: from the programme's start (if given) to its end.
    public var collectionWindow: Range<Date> {
        let start = programme.startDate.flatMap { calendar.date(from: $0) } ?? .distantPast
        return start..<max(start, programmeEndInstant)
    }

    /// Contact requests are collected while `instant` is inside ``collectionWindow``.
    public func isCollecting(at instant: Date) -> Bool { collectionWindow.contains(instant) }

    public func purpose(_ id: String) -> Purpose? { consent.purposes.first { $0.id == id } }

    /// The first instant after `consent.collect_until` (midnight local time after that day), or
    /// `nil` when the policy sets no end: from then on the banner's routes answer 410 `collection_ended`.
    public var consentCollectionEnd: Date? {
        guard let until = consent.collectUntil, let lastDay = calendar.date(from: until) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: lastDay)
    }

    /// Consent choices are recorded until ``consentCollectionEnd`` (always, when the policy sets none).
    public func isCollectingConsents(at instant: Date) -> Bool {
        consentCollectionEnd.map { instant < $0 } ?? true
    }

    /// The kinds of data the wind-down must offer to the public archive before they are purged.
    public var archiveOfferedKinds: [DataKind] {
        archive.offerBeforePurge && archive.offered.isEmpty ? DataKind.allCases : archive.offered
    }
}

public struct LocalizedText: Sendable, Equatable {
    public var values: [String: String]
    /// The text in `language`, else German, else any.
    public func text(_ language: String) -> String {
        values[language] ?? values[Policy.fallbackLanguage] ?? values.values.sorted().first ?? ""
    }
}

extension Policy {
    /// The language every policy has texts in (the parser requires it) and the one shown when a
    /// visitor's language is not offered: German.
    public static let fallbackLanguage = "de"

    /// `language` when the banner has texts in it, else ``fallbackLanguage``.
    public func textLanguage(_ language: String?) -> String {
        guard let language, consent.texts[language] != nil else { return Self.fallbackLanguage }
        return language
    }
}

public struct Controller: Sendable {
    public var name: String
    public var address: String
    public var email: String?
    public var phone: String?
    public var supervisoryAuthority: String
    /// A public body (Behörde/öffentliche Stelle) may not rest the performance of its tasks on
    /// Art. 6(1)(f) (Art. 6(1) subpara. 2); `policy check` refuses that combination.
    public var publicBody: Bool = false
}

public struct Programme: Sendable {
    public var name: String
    public var startDate: DateComponents?
    /// Inclusive, local time.
    public var endDate: DateComponents
}

public struct Purpose: Sendable {
    public var id: String
    public var required: Bool
    /// Exactly one lawful basis (Art. 6(1)); the rights shown for the purpose follow from it.
    public var basis: LegalBasis
    public var disclosure: Disclosure = Disclosure()
    /// The basis as one German line (banner, texts hash).
    public var legalBasis: String { basis.summary("de") }
    public var title: LocalizedText
    public var description: LocalizedText
    public var services: [Service]
}

public struct Service: Sendable {
    public var id: String
    public var title: LocalizedText
    public var provider: String
    public var privacyURL: String
}

public struct ConsentSettings: Sendable {
    public var validDays: Int
    public var purposes: [Purpose]
    /// Banner texts per language code.
    public var texts: [String: [String: String]]
    /// The banner script's own strings per language code (`consent.banner_strings`); see ``BannerStrings``.
    public var bannerStrings: [String: [String: String]] = [:]
    /// A refusal needs no proof (Art. 7(1) concerns consent): by default refusals are recorded
    /// without IP prefix and user agent (Art. 5(1)(c)).
    public var minimiseRefusals: Bool = true
    /// The first-party cookie that holds the consent id (what the notice names).
    public var cookieName: String = "privacy_consent_id"
    /// The last day (inclusive, local time) consent choices are recorded; `nil`: no end.
    public var collectUntil: DateComponents? = nil

    public var allServices: [(purpose: Purpose, service: Service)] {
        purposes.flatMap { p in p.services.map { (p, $0) } }
    }
}

public struct ContactRequestSettings: Sendable {
    public var purpose: String
    public var basis: LegalBasis
    public var disclosure: Disclosure = Disclosure()
    /// The purpose in English, when given.
    public var purposeText: LocalizedText? = nil
    /// The basis as one German line.
    public var legalBasis: String { basis.summary("de") }
    public var categories: [String]
    public var recipients: [String]
    public var source: String
}

/// Which kind of data a retention rule governs.
public enum DataKind: String, Sendable, CaseIterable {
    case contactRequests = "contact_requests"
    case consentRecords = "consent_records"
    case auditEntries = "audit_entries"
}

/// The event that starts a retention clock.
public enum RetentionEvent: String, Sendable, CaseIterable {
    /// When the record was received (contact requests) or recorded (ledger and audit entries).
    case received
    /// When the consent was withdrawn (consent records).
    case withdrawn
    /// When the consent's validity ran out without renewal (consent records).
    case expired
    /// The first instant after the programme's end date.
    case programmeEnd = "programme_end"
}

public enum RetentionAction: String, Sendable, CaseIterable {
    case delete
    case anonymise
}

/// Why a due record must stay: reported by every purge, never silently skipped.
public enum HoldKind: String, Sendable, CaseIterable, Codable {
    case openRequest = "open_request"
    case legalHold = "legal_hold"
    /// Art. 18: the person restricted the processing; kept by every purge until lifted.
    case restriction
    /// Art. 21: the person objected; every purge removes page, IP prefix and user agent from the
    /// consent's new entries (it keeps nothing from deletion).
    case objection
}

public struct RetentionRule: Sendable {
    public var id: String
    public var data: DataKind
    public var starts: RetentionEvent
    public var after: ISODuration
    public var action: RetentionAction
    public var holds: [HoldKind]
    /// The YAML line, for messages.
    public var line: Int
    /// Why the data is kept this long (Art. 5(1)(e), 13(2)(a)); required from format 2 on.
    public var reason: LocalizedText? = nil
    /// Which consent records the rule governs: all, or only histories that never granted anything optional.
    public var appliesTo: RetentionScope = .all
}

/// Which entries a consent-record rule selects.
public enum RetentionScope: String, Sendable, CaseIterable {
    case all
    /// Entries of a consent id whose every entry refused all optional purposes and services
    /// (reject_all, or a selection of nothing): proof of a refusal is not needed for long.
    case refusals
}

public struct ErasureSettings: Sendable {
    /// What `erase` does to a person's consent ledger entries.
    public var consentRecords: RetentionAction
}

public struct ArchiveSettings: Sendable {
    /// Some Land laws require offering records to the public archive before deletion.
    public var offerBeforePurge: Bool
    public var archive: String?
    /// The kinds offered to the archive before the purge (ThürArchivG § 11): `offer: true` is
    /// every kind, a list names them; empty: nothing is offered.
    public var offered: [DataKind] = []
    /// The archive's blanket appraisal decision, when one exists (no per-case offer needed).
    public var appraisal: ArchiveDecision? = nil
    /// The reference (Aktenzeichen) of the blanket appraisal decision.
    public var appraisalReference: String? = nil
}

/// The public archive's decision on what was offered.
public enum ArchiveDecision: String, Sendable, CaseIterable, Codable {
    /// The archive takes the records (an archive package is handed over before the purge).
    case taken
    /// The archive declines them (they may be purged).
    case declined
}

/// `wind_down`: the programme's end, carried out.
public struct WindDownSettings: Sendable {
    /// After the programme's end plus this, open requests and holds no longer stop the wind-down
    /// (they are still reported, and the purge still keeps what a hold keeps).
    public var grace: ISODuration = ISODuration("P0D")!
    /// How long the deletion records (the wind-down's steps and report) are kept, when the archive
    /// law or the archive names a period; `nil`: not stated (they are never purged automatically).
    public var recordsKept: ISODuration? = nil

    public init() {}
}

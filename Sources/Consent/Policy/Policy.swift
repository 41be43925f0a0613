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
    /// What happens after the programme's end (`privacyctl wind-down`); see docs/wind-down.md.
    public var windDown: WindDownSettings = WindDownSettings()
    /// BLAKE2b-256 of the file's bytes, hex: recorded with every purge.
    public var sourceHash: String

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
        values[language] ?? values["de"] ?? values.values.sorted().first ?? ""
    }
}

public struct Controller: Sendable {
    public var name: String
    public var address: String
    public var email: String?
    public var phone: String?
    public var supervisoryAuthority: String
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
    public var legalBasis: String
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
    /// The last day (inclusive, local time) consent choices are recorded; `nil`: no end.
    public var collectUntil: DateComponents? = nil

    public var allServices: [(purpose: Purpose, service: Service)] {
        purposes.flatMap { p in p.services.map { (p, $0) } }
    }
}

public struct ContactRequestSettings: Sendable {
    public var purpose: String
    public var legalBasis: String
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
}

public struct RetentionRule: Sendable {
    public var id: String
    public var data: DataKind
    public var starts: RetentionEvent
    public var after: ISODuration
    public var action: RetentionAction
    public var holds: [HoldKind]
    /// `refusals`: the rule takes only the entries of consents that never granted an optional
    /// purpose or service (a refusal needs no proof of consent, Art. 7(1)); `nil`: every entry.
    public var only: RecordFilter? = nil
    /// The YAML line, for messages.
    public var line: Int
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

/// Which entries a retention rule takes.
public enum RecordFilter: String, Sendable, CaseIterable {
    /// Entries of consents that never granted anything optional.
    case refusals
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

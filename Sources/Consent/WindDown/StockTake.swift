import Foundation
import GRDB

/// A hold as the stock-take reports it: kind, reason and age, never the subject it names.
public struct HoldSummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var on: String
    public var reason: String?
    public var since: String
    public var ageDays: Int
    /// When the hold lapses (`nil`: no expiry); an expired hold no longer keeps anything from the wind-down.
    public var expires: String?
    public var expired: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, on, reason, since, expires, expired
        case ageDays = "age_days"
    }
}

/// From when to when records of a kind were collected (months in the policy's time zone).
public struct Period: Codable, Sendable, Equatable {
    public var from: String
    public var until: String
}

/// What is still held, per kind (step 1 of the wind-down, and `privacyctl programme status`).
public struct StockTake: Codable, Sendable, Equatable {
    public var asOf: String
    public var contactRequests: Int
    public var contactRequestsPeriod: Period?
    /// Consent entries that still hold a choice (personal or anonymised), by method.
    public var consentEntriesByMethod: [String: Int]
    /// Of these, entries anonymised (no consent id, IP prefix or user agent).
    public var consentEntriesAnonymised: Int
    /// Entries emptied by erasure or retention: sequence number, time and hashes only.
    public var consentEntriesDeleted: Int
    public var consentPeriod: Period?
    public var auditEntries: Int
    public var holds: [HoldSummary]
    public var openRequests: [OpenRequestSummary]

    enum CodingKeys: String, CodingKey {
        case holds
        case asOf = "as_of", contactRequests = "contact_requests", contactRequestsPeriod = "contact_requests_period"
        case consentEntriesByMethod = "consent_entries_by_method", consentEntriesAnonymised = "consent_entries_anonymised"
        case consentEntriesDeleted = "consent_entries_deleted", consentPeriod = "consent_period"
        case auditEntries = "audit_entries", openRequests = "open_requests"
    }

    public var consentEntries: Int { consentEntriesByMethod.values.reduce(0, +) }

    /// Takes stock inside the caller's read.
    static func take(_ db: Database, policy: Policy, now: Date) throws -> StockTake {
        let calendar = policy.calendar
        func period(_ sql: String) throws -> Period? {
            guard let row = try Row.fetchOne(db, sql: sql), let lo = row[0] as Int64?, let hi = row[1] as Int64? else { return nil }
            return Period(from: Self.month(lo, calendar), until: Self.month(hi, calendar))
        }
        var byMethod: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT method, COUNT(*) FROM consent_ledger WHERE method IS NOT NULL GROUP BY method") {
            byMethod[row[0]] = row[1]
        }
        let holds = try Hold.order(Column("id")).fetchAll(db).map { h -> HoldSummary in
            let since = Timestamp.date(millis: h.createdAt)
            let expiry = HoldExpiry.expiry(of: h)
            return HoldSummary(id: h.id ?? 0, kind: h.kind, on: h.subjectKind, reason: h.reason, since: Timestamp.format(since),
                               ageDays: max(0, calendar.dateComponents([.day], from: since, to: now).day ?? 0),
                               expires: expiry.map(Timestamp.format), expired: expiry.map { $0 <= now } ?? false)
        }
        return StockTake(
            asOf: Timestamp.format(now),
            contactRequests: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0,
            contactRequestsPeriod: try period("SELECT MIN(received_at), MAX(received_at) FROM contact_requests"),
            consentEntriesByMethod: byMethod,
            consentEntriesAnonymised: try LedgerEntry.count(.anonymised, db),
            consentEntriesDeleted: try LedgerEntry.count(.deleted, db),
            consentPeriod: try period("SELECT MIN(recorded_at), MAX(recorded_at) FROM consent_ledger WHERE method IS NOT NULL"),
            auditEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0,
            holds: holds,
            openRequests: try OpenRequests.open(db))
    }

    /// What stops the wind-down at this step: open requests and unexpired holds, until the grace
    /// period after the programme's end has passed. Empty: the run may go on.
    public func blockers(policy: Policy, now: Date) -> [String] {
        let graceEnd = policy.windDown.grace.added(to: policy.programmeEndInstant, in: policy.calendar)
        guard now < graceEnd else { return [] }
        var result = openRequests.map { "open request \($0.id) (\($0.type), due \($0.due))" }
        result += holds.filter { !$0.expired }.map { "hold \($0.id) (\($0.kind)\($0.reason.map { ": \($0)" } ?? ""), \($0.ageDays) days old)" }
        return result
    }

    static func month(_ millis: Int64, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month], from: Timestamp.date(millis: millis))
        return String(format: "%04d-%02d", c.year!, c.month!)
    }
}

import Foundation
import GRDB

/// A hold keeps a due record from being purged (an open request, a legal hold). Purges report
/// every held record; nothing is skipped silently.
public struct Hold: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "holds"
    public var id: Int64?
    /// `contact_request` or `consent`.
    public var subjectKind: String
    /// A contact request's reference or a consent id.
    public var subject: String
    public var kind: String
    public var reason: String?
    public var createdAt: Int64
    /// When the hold stops keeping anything (ms); `nil`: until released.
    public var until: Int64?
    /// The request (`RQ-…`) an `open_request` hold serves; released with it.
    public var requestID: String?

    enum CodingKeys: String, CodingKey {
        case id, subject, kind, reason, until
        case subjectKind = "subject_kind", createdAt = "created_at", requestID = "request_id"
    }

    /// Whether the hold still keeps its record at `now`.
    public func isActive(at now: Date) -> Bool { until.map { $0 > Timestamp.millis(now) } ?? true }

    /// The SQL condition (on `holds`) of a hold that still keeps its record at `now` (ms).
    static func activeSQL(now: Int64) -> String { "(until IS NULL OR until > \(now))" }

    public enum SubjectKind: String, Sendable, CaseIterable {
        case contactRequest = "contact_request"
        case consent
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct HoldBook: Sendable {
    let store: PrivacyDatabase
    let clock: any WallClock

    public init(store: PrivacyDatabase, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Places a hold on an existing record.
    public func add(subjectKind: Hold.SubjectKind, subject: String, kind: HoldKind, reason: String?,
                    until: Date? = nil) async throws -> Hold {
        let now = clock.now()
        return try await store.pool.write { db in
            let exists: Bool = switch subjectKind {
            case .contactRequest: try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM contact_requests WHERE reference = ?)", arguments: [subject]) ?? false
            case .consent: try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM consent_ledger WHERE consent_id = ?)", arguments: [subject]) ?? false
            }
            guard exists else { throw ConsentError.notFound(what: "\(subjectKind.rawValue.replacingOccurrences(of: "_", with: " ")) \(subject)") }
            let hold = try Hold(id: nil, subjectKind: subjectKind.rawValue, subject: subject, kind: kind.rawValue,
                            reason: reason, createdAt: Timestamp.millis(now), until: until.map(Timestamp.millis)).inserted(db)
            var details = ["hold": String(hold.id ?? 0), "kind": kind.rawValue, "subject_kind": subjectKind.rawValue]
            if let until { details["until"] = Timestamp.format(until) }
            try AuditLog.append(action: "hold.add", actor: AuditLog.currentActor, subject: nil, details: details, at: now, db)
            return hold
        }
    }

    public func list() async throws -> [Hold] {
        try await store.pool.read { db in try Hold.order(Column("id")).fetchAll(db) }
    }

    public func release(id: Int64) async throws {
        let now = clock.now()
        try await store.pool.write { db in
            guard try Hold.deleteOne(db, key: id) else { throw ConsentError.notFound(what: "hold \(id)") }
            try AuditLog.append(action: "hold.release", actor: AuditLog.currentActor, subject: nil,
                                details: ["hold": String(id)], at: now, db)
        }
    }

    /// Holds whose `until` has passed: they keep nothing any more and wait to be released.
    public func expired() async throws -> [Hold] {
        let now = Timestamp.millis(clock.now())
        return try await store.pool.read { db in
            try Hold.fetchAll(db, sql: "SELECT * FROM holds WHERE NOT \(Hold.activeSQL(now: now)) ORDER BY id")
        }
    }

    /// The subjects (references or consent ids) under an active hold of `kind`.
    public func subjects(kind: HoldKind, subjectKind: Hold.SubjectKind) async throws -> Set<String> {
        let now = Timestamp.millis(clock.now())
        return try await store.pool.read { db in try Self.subjects(kind: kind, subjectKind: subjectKind, activeAt: now, db) }
    }

    // MARK: Hold lookups (the one place that asks `holds` what a hold keeps)

    /// The subjects under a hold of `kind`, inside the caller's transaction. With `activeAt` (ms),
    /// only holds still in force then; `nil` counts every hold (a tombstone replay honours them all).
    static func subjects(kind: HoldKind, subjectKind: Hold.SubjectKind, activeAt now: Int64?, _ db: Database) throws -> Set<String> {
        try Set(String.fetchAll(db, sql: "SELECT subject FROM holds WHERE kind = ? AND subject_kind = ?\(now.map { " AND \(Hold.activeSQL(now: $0))" } ?? "")",
                                arguments: [kind.rawValue, subjectKind.rawValue]))
    }

    /// SQL test: `column` names a subject under a hold of one of `kinds` in force at `now` (ms).
    /// Kinds and the instant are the engine's own values, safe to inline (one query can so combine
    /// the conditions of several retention rules).
    static func heldSQL(_ column: String, subjectKind: Hold.SubjectKind, kinds: [HoldKind], now: Int64) -> String {
        let list = kinds.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return "\(column) IN (SELECT subject FROM holds WHERE subject_kind = '\(subjectKind.rawValue)' AND kind IN (\(list)) AND \(Hold.activeSQL(now: now)))"
    }

    // MARK: Holds placed by the domain (inside the caller's transaction)

    /// Places holds of `kind` on every record named (those that exist), for `requestID`; returns how many.
    static func place(_ kind: HoldKind, contactRequests: [String], consents: [String], requestID: String?,
                      reason: String?, at now: Date, _ db: Database) throws -> Int {
        var placed = 0
        for (subjectKind, subjects) in [(Hold.SubjectKind.contactRequest, contactRequests), (.consent, consents)] {
            for subject in Set(subjects).sorted() {
                _ = try Hold(id: nil, subjectKind: subjectKind.rawValue, subject: subject, kind: kind.rawValue, reason: reason,
                             createdAt: Timestamp.millis(now), until: nil, requestID: requestID).inserted(db)
                placed += 1
            }
        }
        return placed
    }

    /// Releases the holds of `kind` placed for `requestID`; returns how many.
    static func release(_ kind: HoldKind, requestID: String, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM holds WHERE kind = ? AND request_id = ?", arguments: [kind.rawValue, requestID])
        return db.changesCount
    }
}

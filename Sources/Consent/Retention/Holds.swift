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

    enum CodingKeys: String, CodingKey {
        case id, subject, kind, reason
        case subjectKind = "subject_kind", createdAt = "created_at"
    }

    public enum SubjectKind: String, Sendable, CaseIterable {
        case contactRequest = "contact_request"
        case consent
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct HoldBook: Sendable {
    let store: Store
    let clock: any WallClock

    public init(store: Store, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Places a hold on an existing record.
    public func add(subjectKind: Hold.SubjectKind, subject: String, kind: HoldKind, reason: String?) async throws -> Hold {
        let now = clock.now()
        return try await store.pool.write { db in
            let exists: Bool = switch subjectKind {
            case .contactRequest: try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM contact_requests WHERE reference = ?)", arguments: [subject]) ?? false
            case .consent: try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM consent_ledger WHERE consent_id = ?)", arguments: [subject]) ?? false
            }
            guard exists else { throw ConsentError.notFound(what: "\(subjectKind.rawValue.replacingOccurrences(of: "_", with: " ")) \(subject)") }
            let hold = try Hold(id: nil, subjectKind: subjectKind.rawValue, subject: subject, kind: kind.rawValue,
                            reason: reason, createdAt: Timestamp.millis(now)).inserted(db)
            try AuditLog.append(action: "hold.add", actor: AuditLog.currentActor, subject: nil,
                                details: ["hold": String(hold.id ?? 0), "kind": kind.rawValue, "subject_kind": subjectKind.rawValue],
                                at: now, db)
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
}

import Foundation
import GRDB

/// The steps of `privacyctl wind-down`, in the order they run.
public enum WindDownStep: String, Sendable, Codable, CaseIterable {
    /// What is still held; stops while open requests or holds remain within the grace period.
    case stockTake = "stock_take"
    /// The anonymous statistics for the funder, taken before anything is deleted.
    case statistics
    /// The archive's decision on the offer (`privacyctl wind-down archive`).
    case archiveDecision = "archive_decision"
    /// The archive step: offer list, decision, and the package of what the archive takes.
    case archive
    /// The purge as the policy says.
    case purge
    /// `privacyctl keys destroy`: the secret key files overwritten and removed.
    case keysDestroyed = "keys_destroyed"
    /// The deletion report, issued (again on every later run).
    case report
}

/// One completed step: when, by whom, and what it found (JSON without personal data).
public struct WindDownStepRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "wind_down_steps"
    public var step: String
    public var completedAt: Int64
    public var actor: String
    public var details: String

    enum CodingKeys: String, CodingKey {
        case step, actor, details
        case completedAt = "completed_at"
    }

    public var completed: String { Timestamp.format(millis: completedAt) }
}

/// What the archive decided, as recorded.
public struct ArchiveDecisionRecord: Codable, Sendable, Equatable {
    public var decision: ArchiveDecision
    public var reference: String
    public var archive: String?
    public var kinds: [String]
    /// `archive` (recorded with `wind-down archive`) or `policy` (its blanket appraisal decision).
    public var source: String
    public var decidedAt: String

    enum CodingKeys: String, CodingKey {
        case decision, reference, archive, kinds, source
        case decidedAt = "decided_at"
    }
}

/// The owner of `wind_down_steps`: which step of the wind-down completed when, so that a run
/// interrupted anywhere resumes where it stopped and a finished one only re-issues its report.
/// Every step is written together with its audit entry, in one transaction.
public enum WindDownLog {
    /// Records `step` as completed (a later record of the same step replaces it: the report).
    static func record<T: Encodable>(_ step: WindDownStep, _ details: T, audit: [String: String],
                                     at: Date, actor: String, _ db: Database) throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(details), as: UTF8.self)
        try WindDownStepRecord(step: step.rawValue, completedAt: Timestamp.millis(at), actor: actor, details: json).save(db)
        try AuditLog.append(action: "wind_down.\(step.rawValue)", actor: actor, subject: nil, details: audit, at: at, db)
    }

    /// Every completed step.
    public static func steps(_ db: Database) throws -> [WindDownStep: WindDownStepRecord] {
        var result: [WindDownStep: WindDownStepRecord] = [:]
        for record in try WindDownStepRecord.fetchAll(db) {
            if let step = WindDownStep(rawValue: record.step) { result[step] = record }
        }
        return result
    }

    /// The details a step recorded, decoded.
    static func details<T: Decodable>(_ step: WindDownStep, as type: T.Type, _ db: Database) throws -> T? {
        guard let record = try WindDownStepRecord.fetchOne(db, key: step.rawValue) else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(record.details.utf8))
    }

    /// The archive's decision recorded with `privacyctl wind-down archive`, if any.
    public static func archiveDecision(_ db: Database) throws -> ArchiveDecisionRecord? {
        try details(.archiveDecision, as: ArchiveDecisionRecord.self, db)
    }

    /// Whether the archive step of the wind-down has completed (what `keys destroy --force` needs).
    public static func archiveStepDone(_ db: Database) throws -> Bool {
        try WindDownStepRecord.fetchOne(db, key: WindDownStep.archive.rawValue) != nil
    }
}

import Foundation
import GRDB

/// One row of the register of requests from people (table `data_requests`, used by ``RequestRegister``;
/// written only from this file).
///
/// Holds no personal data in clear: the person is named by the keyed hash the audit log uses, and
/// the identifier they gave (address or consent id) is sealed to the vault's public key, so that
/// only the DPO's commands (with the secret key) can look their data up again to answer.
struct DataRequestRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "data_requests"
    var id: String
    var type: String
    var subjectKind: String
    var subjectHash: String
    var subjectSealed: Data
    var keyID: String
    var channel: String
    var received: String
    var firstDue: String
    var due: String
    var identityMethod: String?
    var identityVerifiedOn: String?
    var openedAt: Int64
    var extendedAt: Int64?
    var extensionReason: String?
    var personToldOn: String?
    var closedOn: String?
    var outcome: String?
    var note: String?
    var runs: String

    enum CodingKeys: String, CodingKey {
        case id, type, channel, received, due, outcome, note, runs
        case subjectKind = "subject_kind", subjectHash = "subject_hash", subjectSealed = "subject_sealed", keyID = "key_id"
        case firstDue = "first_due", identityMethod = "identity_method", identityVerifiedOn = "identity_verified_on"
        case openedAt = "opened_at", extendedAt = "extended_at", extensionReason = "extension_reason"
        case personToldOn = "person_told_on", closedOn = "closed_on"
    }

    /// The associated data that binds the sealed identifier to its request.
    static func context(id: String) -> String { "data_requests/\(id)/subject" }
}

// MARK: - Writes: this file is the only one that writes `data_requests`

extension DataRequestRow {
    /// Opens a request in the register, inside the caller's transaction.
    func append(_ db: Database) throws { try insert(db) }

    /// Stores a changed request (deadline extended, identity verified, closed…) over its row.
    func replaceStored(_ db: Database) throws { try update(db) }

    /// Key rotation: the person's identifier re-sealed to the new key.
    static func reseal(id: String, subjectSealed: Data, keyID: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE data_requests SET subject_sealed = ?, key_id = ? WHERE id = ?",
                       arguments: [subjectSealed, keyID, id])
    }
}

/// A run that answered (part of) a request: what, when, and the audit entry that records it.
public struct RequestRun: Sendable, Codable, Equatable {
    public var action: RequestAction
    /// ISO-8601 instant.
    public var at: String
    /// Counts the run reported (no personal data).
    public var details: [String: String]
}

/// A request as the register shows it. `--json` of `request open` prints its first five keys;
/// `request list --json` prints the whole object.
public struct DataRequest: Sendable, Codable, Equatable {
    public var id: String
    public var type: RequestType
    public var received: CalendarDay
    public var due: CalendarDay
    /// `open` or `closed`.
    public var status: String
    public var extended: Bool
    /// The day it was closed, `nil` while open.
    public var closed: CalendarDay?
    public var outcome: RequestOutcome?
    public var firstDue: CalendarDay
    public var channel: RequestChannel
    public var subjectKind: SubjectKind
    /// The keyed hash the audit log names the person by.
    public var subject: String
    public var identityVerified: IdentityCheck?
    public var identityVerifiedOn: CalendarDay?
    public var extensionReason: String?
    public var personTold: CalendarDay?
    public var note: String?
    public var runs: [RequestRun]
    /// Days from today to the due day (negative: overdue); filled in by ``RequestRegister``.
    public var daysLeft: Int?
    public var overdue: Bool

    enum CodingKeys: String, CodingKey {
        case id, type, received, due, status, extended, closed, outcome, channel, subject, note, runs, overdue
        case firstDue = "first_due", subjectKind = "subject_kind", identityVerified = "identity_verified"
        case identityVerifiedOn = "identity_verified_on", extensionReason = "extension_reason"
        case personTold = "person_told", daysLeft = "days_left"
    }

    public var isOpen: Bool { closed == nil }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls for the contract's keys, so scripts can rely on them being present.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(received, forKey: .received)
        try c.encode(due, forKey: .due)
        try c.encode(status, forKey: .status)
        try c.encode(extended, forKey: .extended)
        try c.encode(closed, forKey: .closed)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(firstDue, forKey: .firstDue)
        try c.encode(channel, forKey: .channel)
        try c.encode(subjectKind, forKey: .subjectKind)
        try c.encode(subject, forKey: .subject)
        try c.encode(identityVerified, forKey: .identityVerified)
        try c.encode(identityVerifiedOn, forKey: .identityVerifiedOn)
        try c.encode(extensionReason, forKey: .extensionReason)
        try c.encode(personTold, forKey: .personTold)
        try c.encode(note, forKey: .note)
        try c.encode(runs, forKey: .runs)
        try c.encode(daysLeft, forKey: .daysLeft)
        try c.encode(overdue, forKey: .overdue)
    }
}

import Foundation
import GRDB

/// A stored contact request: everything personal is inside `sealed`; in clear only what retention needs.
struct ContactRequestRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "contact_requests"
    var reference: String
    var receivedAt: Int64
    var policyVersion: String
    var keyID: String
    var sealed: Data
    var emailIndex: Data
    var consentIndex: Data?

    enum CodingKeys: String, CodingKey {
        case reference, sealed
        case receivedAt = "received_at", policyVersion = "policy_version", keyID = "key_id"
        case emailIndex = "email_index", consentIndex = "consent_index"
    }

    /// The associated data that binds the sealed cell to its record and column.
    static func context(reference: String) -> String { "contact_requests/\(reference)/sealed" }
}

/// The sealed payload: the form plus when the privacy notice was accepted.
struct ContactPayload: Codable {
    var form: ContactForm
    var privacyNoticeAcceptedAt: String

    enum CodingKeys: String, CodingKey {
        case form, privacyNoticeAcceptedAt = "privacy_notice_accepted_at"
    }
}

/// A contact request opened for the DPO.
public struct ContactRequestView: Sendable, Codable, Equatable {
    public var reference: String
    public var receivedAt: String
    public var policyVersion: String
    public var name: String
    public var email: String?
    public var phone: String?
    public var message: String
    public var callbackTime: String?
    public var consentID: String?
    public var privacyNoticeAcceptedAt: String
    public var keyID: String

    enum CodingKeys: String, CodingKey {
        case reference, name, email, phone, message
        case receivedAt = "received_at", policyVersion = "policy_version", callbackTime = "callback_time"
        case consentID = "consent_id", privacyNoticeAcceptedAt = "privacy_notice_accepted_at", keyID = "key_id"
    }
}

// MARK: - Writes: this file is the only one that writes `contact_requests`

extension ContactRequestRow {
    /// Stores a new request (the intake), inside the caller's transaction.
    /// Inserts through a cached statement with positional arguments: GRDB's Codable encoding of the
    /// record cost 2.6 % of a contact request's CPU (issue 16).
    func append(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO contact_requests (reference, received_at, policy_version, key_id, sealed, email_index, consent_index)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [reference, receivedAt, policyVersion, keyID, sealed, emailIndex, consentIndex])
    }

    /// Deletes one request (Art. 17 erasure, Art. 21 objection, their replay after a restore);
    /// `secure_delete` zeroes the freed bytes. Returns 1, or 0 when it was gone already.
    static func deleteRow(reference: String, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM contact_requests WHERE reference = ?", arguments: [reference])
        return db.changesCount
    }

    /// Retention: deletes up to `limit` requests that match `condition` (an SQL test built by
    /// ``RetentionSelection`` from integers and policy identifiers). Returns how many.
    static func deleteDue(where condition: String, limit: Int, _ db: Database) throws -> Int {
        try db.execute(sql: """
            DELETE FROM contact_requests WHERE reference IN (
              SELECT reference FROM contact_requests WHERE \(condition) LIMIT :limit)
            """, arguments: ["limit": limit])
        return db.changesCount
    }

    /// Retention, when at least half of the table goes: sets the keepers aside, empties the table in
    /// one statement and puts them back (linear, where batches dirty every index page each time;
    /// see `RetentionSelection.prefersBulk`). Returns how many were deleted.
    static func deleteAllAtOnce(where condition: String, _ db: Database) throws -> Int {
        let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0
        try db.execute(sql: "DROP TABLE IF EXISTS temp.purge_keep")
        try db.execute(sql: "CREATE TEMP TABLE purge_keep AS SELECT * FROM contact_requests WHERE NOT (\(condition))")
        try db.execute(sql: "DELETE FROM contact_requests")
        try db.execute(sql: "INSERT INTO contact_requests SELECT * FROM temp.purge_keep")
        try db.execute(sql: "DROP TABLE temp.purge_keep")
        let after = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0
        return before - after
    }

    /// Key rotation: the request re-sealed to the new key.
    static func reseal(reference: String, sealed: Data, keyID: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE contact_requests SET sealed = ?, key_id = ? WHERE reference = ?",
                       arguments: [sealed, keyID, reference])
    }

    /// Art. 16 rectification: the request re-sealed with its corrected content and new e-mail index.
    /// - Returns: `false` when no request has this reference.
    static func rectify(reference: String, sealed: Data, keyID: String, emailIndex: Data, _ db: Database) throws -> Bool {
        try db.execute(sql: "UPDATE contact_requests SET sealed = ?, key_id = ?, email_index = ? WHERE reference = ?",
                       arguments: [sealed, keyID, emailIndex, reference])
        return db.changesCount == 1
    }

    /// Re-indexing: replaces the e-mail index only if the row is still as it was read (not erased
    /// or re-indexed meanwhile). Returns 1 when replaced.
    static func replaceEmailIndex(reference: String, from old: Data, to new: Data, _ db: Database) throws -> Int {
        try db.execute(sql: "UPDATE contact_requests SET email_index = ? WHERE reference = ? AND email_index = ?",
                       arguments: [new, reference, old])
        return db.changesCount
    }
}

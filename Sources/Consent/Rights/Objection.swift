import Foundation
import GRDB
import Vault

public struct ObjectionReport: Sendable, Codable, Equatable {
    /// Consent entries whose page, IP prefix and user agent were removed.
    public var consentEntriesMinimised: Int
    public var contactRequestsDeleted: Int
    /// Contact requests kept because a legal hold is on them (Art. 21(1): compelling legitimate grounds).
    public var heldByLegalHold: Int
    public var walTruncated: Bool
    enum CodingKeys: String, CodingKey {
        case consentEntriesMinimised = "consent_entries_minimised", contactRequestsDeleted = "contact_requests_deleted"
        case heldByLegalHold = "held_by_legal_hold", walTruncated = "wal_truncated"
    }
}

/// Art. 21(1): the person objects to processing based on Art. 6(1)(e) or (f). In this engine that is
/// what goes beyond proof and the answer itself:
///
/// - their consent entries keep the choice, its time and the consent id (the proof Art. 7(1)
///   requires), but lose the page, the IP prefix and the user agent (redaction `minimised`; the
///   choice still verifies against the entry's stored personal hash);
/// - their contact requests (processed under Art. 6(1)(e) to answer them) are deleted; run this
///   once the contact request has been answered.
///
/// Freed bytes are zeroed (`secure_delete`) and the WAL is truncated.
public struct Objection: Sendable {
    let store: Store
    let archive: ContactArchive
    let clock: any WallClock
    let actor: String

    public init(store: Store, archive: ContactArchive, clock: any WallClock, actor: String = AuditLog.currentActor) {
        self.store = store
        self.archive = archive
        self.clock = clock
        self.actor = actor
    }

    public func object(_ subject: DataSubject, requestID: String, subjectHash: String) async throws -> ObjectionReport {
        let (references, consentIDs) = try await Restriction.records(of: subject, archive: archive)
        let now = clock.now()
        let nowMillis = Timestamp.millis(now)
        let actor = self.actor
        var report = try await store.pool.write { db -> ObjectionReport in
            let held = try Set(String.fetchAll(db, sql: """
                SELECT subject FROM holds WHERE subject_kind = 'contact_request' AND kind = 'legal_hold' AND \(Hold.activeSQL(now: nowMillis))
                """))
            var deleted = 0, kept = 0
            for ref in references {
                if held.contains(ref) { kept += 1; continue }
                try db.execute(sql: "DELETE FROM contact_requests WHERE reference = ?", arguments: [ref])
                deleted += db.changesCount
            }
            var minimised = 0
            for id in consentIDs {
                minimised += try Self.minimise(consentID: id, now: nowMillis, db)
            }
            // Later choices under the same consent id are minimised by every purge (Art. 21(1):
            // the processing stops, not only what was processed before).
            let known = try consentIDs.filter {
                try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM consent_ledger WHERE consent_id = ?)", arguments: [$0]) ?? false
            }
            _ = try HoldBook.release(.objection, requestID: requestID, db)
            _ = try HoldBook.place(.objection, contactRequests: [], consents: known, requestID: requestID,
                                   reason: "objection (Art. 21), request \(requestID)", at: now, db)
            try AuditLog.append(action: "object", actor: actor, subject: subjectHash, details: [
                "request": requestID, "consent_entries_minimised": String(minimised),
                "contact_requests_deleted": String(deleted), "held_by_legal_hold": String(kept),
            ], at: now, db)
            return ObjectionReport(consentEntriesMinimised: minimised, contactRequestsDeleted: deleted, heldByLegalHold: kept, walTruncated: false)
        }
        report.walTruncated = try store.truncateWAL()
        return report
    }

    /// Removes page, IP prefix and user agent from the consent's entries not yet redacted.
    static func minimise(consentID: String, now: Int64, _ db: Database) throws -> Int {
        try db.execute(sql: """
            UPDATE consent_ledger SET page_url = NULL, ip_prefix = NULL, user_agent = NULL, leaf_salt = NULL,
              redaction = 'minimised', redacted_at = ?
            WHERE consent_id = ? AND redaction IS NULL AND personal_hash IS NOT NULL
            """, arguments: [now, consentID])
        return db.changesCount
    }

    /// The purge's step for Art. 21: entries recorded after an objection (under an active
    /// `objection` hold) are minimised like the earlier ones. Returns how many (or would be, in a dry run).
    static func minimiseObjected(now: Int64, dryRun: Bool, _ db: Database) throws -> Int {
        let held = "consent_id IN (SELECT subject FROM holds WHERE subject_kind = 'consent' AND kind = 'objection' AND \(Hold.activeSQL(now: now)))"
        let pending = "redaction IS NULL AND personal_hash IS NOT NULL AND \(held)"
        if dryRun { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE \(pending)") ?? 0 }
        try db.execute(sql: """
            UPDATE consent_ledger SET page_url = NULL, ip_prefix = NULL, user_agent = NULL, leaf_salt = NULL, redaction = 'minimised', redacted_at = ?
            WHERE \(pending)
            """, arguments: [now])
        return db.changesCount
    }
}

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
    let context: ActionContext
    let archive: ContactArchive

    public init(store: PrivacyDatabase, archive: ContactArchive, clock: any WallClock, actor: String = AuditLog.currentActor) {
        self.context = ActionContext(store: store, clock: clock, actor: actor)
        self.archive = archive
    }

    public func object(_ subject: DataSubject, requestID: String, subjectHash: String) async throws -> ObjectionReport {
        let (references, consentIDs) = try await Restriction.records(of: subject, archive: archive)
        let now = context.clock.now()
        let nowMillis = Timestamp.millis(now)
        let actor = context.actor
        var report = try await context.store.pool.write { db -> ObjectionReport in
            let held = try HoldBook.subjects(kind: .legalHold, subjectKind: .contactRequest, activeAt: nowMillis, db)
            var deleted = 0, kept = 0
            for ref in references {
                if held.contains(ref) { kept += 1; continue }
                deleted += try ContactRequestRow.deleteRow(reference: ref, db)
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
        report.walTruncated = try context.store.truncateWAL()
        return report
    }

    /// Removes page, IP prefix and user agent from the consent's entries not yet redacted.
    static func minimise(consentID: String, now: Int64, _ db: Database) throws -> Int {
        try LedgerEntry.minimise(where: "consent_id = ?", arguments: [consentID], at: now, db)
    }

    /// The purge's step for Art. 21: entries recorded after an objection (under an active
    /// `objection` hold) are minimised like the earlier ones. Returns how many (or would be, in a dry run).
    static func minimiseObjected(now: Int64, dryRun: Bool, _ db: Database) throws -> Int {
        let held = HoldBook.heldSQL("consent_id", subjectKind: .consent, kinds: [.objection], now: now)
        if dryRun {
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE redaction IS NULL AND personal_hash IS NOT NULL AND \(held)") ?? 0
        }
        return try LedgerEntry.minimise(where: held, at: now, db)
    }
}

import Foundation
import GRDB
import Vault

public struct ErasureReport: Sendable, Codable, Equatable {
    /// The keyed hash the audit log names the person by.
    public var subject: String
    public var contactRequestsDeleted: Int
    public var consentEntriesRedacted: Int
    public var consentEntriesAction: String
    /// Records kept because a legal hold is on them (Art. 17(3)(e)).
    public var heldByLegalHold: Int
    public var walTruncated: Bool
    /// Candidates that could not be opened, so not checked and not erased: the DPO looks into them.
    public var unreadable: [UnreadableRequest] = []

    enum CodingKeys: String, CodingKey {
        case subject
        case contactRequestsDeleted = "contact_requests_deleted", consentEntriesRedacted = "consent_entries_redacted"
        case consentEntriesAction = "consent_entries_action", heldByLegalHold = "held_by_legal_hold"
        case walTruncated = "wal_truncated", unreadable
    }
}

/// Art. 17: erases a person's data for real.
///
/// Their sealed contact requests and blind-index entries are deleted and their consent entries
/// redacted in one transaction, with `secure_delete` zeroing the freed bytes; then the WAL is
/// checkpointed and truncated so no page image of theirs remains there either. What stays is an
/// audit entry naming the person only by a keyed hash.
public struct Erasure: Sendable {
    let store: PrivacyDatabase
    let archive: ContactArchive
    let policy: Policy
    let clock: any WallClock
    let index: BlindIndex
    let actor: String
    /// Where the erasure leaves its tombstone (so a restored backup forgets the person again).
    let tombstones: TombstoneLog?

    public init(store: PrivacyDatabase, archive: ContactArchive, policy: Policy, clock: any WallClock, index: BlindIndex,
                actor: String = AuditLog.currentActor, tombstones: TombstoneLog? = nil) {
        self.tombstones = tombstones
        self.store = store
        self.archive = archive
        self.policy = policy
        self.clock = clock
        self.index = index
        self.actor = actor
    }

    public func erase(_ subject: DataSubject) async throws -> ErasureReport {
        let opened: OpenedRequests
        let linkedIDs: [String]
        let subjectHash = index.subjectHash(subject)
        switch subject {
        case .email(let email):
            opened = try await archive.findOpened(email: email)
            linkedIDs = opened.requests.compactMap(\.consentID)
        case .consentID(let id):
            opened = try await archive.findOpened(consentID: id)
            linkedIDs = [id.rawValue]
        }
        let contacts = opened.requests
        let consentIDs = Array(Set(linkedIDs)).sorted()
        let references = contacts.map(\.reference)
        let action = policy.erasure.consentRecords
        let now = clock.now()
        let actor = self.actor
        let tombstone = Tombstone.erasure(subject: subject, consentIDs: consentIDs, action: action, index: index, at: now)
        let tombstones = self.tombstones
        var report = try await store.pool.write { db -> ErasureReport in
            let heldRefs = try HoldBook.subjects(kind: .legalHold, subjectKind: .contactRequest, activeAt: Timestamp.millis(now), db)
            let heldConsents = try HoldBook.subjects(kind: .legalHold, subjectKind: .consent, activeAt: Timestamp.millis(now), db)
            var held = 0
            var deleted = 0
            for ref in references {
                if heldRefs.contains(ref) { held += 1; continue }
                deleted += try ContactRequestRow.deleteRow(reference: ref, db)
            }
            var redacted = 0
            var ledgerEntries = 0
            for id in consentIDs {
                let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE consent_id = ?", arguments: [id]) ?? 0
                ledgerEntries += n
                if heldConsents.contains(id) { held += n; continue }
                redacted += try LedgerEntry.redactPersonalData(consentID: id, action: action, at: Timestamp.millis(now), db)
            }
            guard !references.isEmpty || ledgerEntries > 0 else {
                throw ConsentError.notFound(what: "data about this person (no contact request or consent record matches)")
            }
            // Written and fsynced inside the transaction: if it fails, nothing is erased; if the
            // commit fails after it, a restore re-applies an erasure the DPO asked for anyway.
            try tombstones?.append(tombstone)
            try AuditLog.append(action: "erase", actor: actor, subject: subjectHash, details: [
                "contact_requests_deleted": String(deleted), "consent_entries_redacted": String(redacted),
                "consent_entries_action": action.rawValue, "held_by_legal_hold": String(held),
            ], at: now, db)
            return ErasureReport(subject: subjectHash, contactRequestsDeleted: deleted, consentEntriesRedacted: redacted,
                                 consentEntriesAction: action.rawValue, heldByLegalHold: held, walTruncated: false)
        }
        report.walTruncated = try store.truncateWAL()
        report.unreadable = opened.unreadable
        return report
    }
}

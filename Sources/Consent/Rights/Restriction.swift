import Foundation
import GRDB
import Vault

public struct RestrictionReport: Sendable, Codable, Equatable {
    public var contactRequests: Int
    public var consents: Int
    enum CodingKeys: String, CodingKey { case consents, contactRequests = "contact_requests" }
}

/// Art. 18: restriction of processing. A person's records are marked with `restriction` holds
/// (tied to the request): the purge keeps them (Art. 18(2): only storage), and `contacts list/show`
/// hide their content unless the DPO names a reason. Lifting releases the holds (Art. 18(3): the
/// person is told before).
public struct Restriction: Sendable {
    let context: ActionContext
    let archive: ContactArchive

    public init(store: PrivacyDatabase, archive: ContactArchive, clock: any WallClock, actor: String = AuditLog.currentActor) {
        self.context = ActionContext(store: store, clock: clock, actor: actor)
        self.archive = archive
    }

    /// The person's contact requests and the consent ids linked to them (opened, so no false match).
    static func records(of subject: DataSubject, archive: ContactArchive) async throws -> (references: [String], consents: [String]) {
        switch subject {
        case .email(let email):
            let contacts = try await archive.find(email: email)
            return (contacts.map(\.reference), Array(Set(contacts.compactMap(\.consentID))).sorted())
        case .consentID(let id):
            return (try await archive.find(consentID: id).map(\.reference), [id.rawValue])
        }
    }

    public func restrict(_ subject: DataSubject, requestID: String, subjectHash: String, reason: String?) async throws -> RestrictionReport {
        let (references, consentIDs) = try await Self.records(of: subject, archive: archive)
        let now = context.clock.now()
        let actor = context.actor
        return try await context.store.pool.write { db in
            let consents = try consentIDs.filter {
                try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM consent_ledger WHERE consent_id = ?)", arguments: [$0]) ?? false
            }
            _ = try HoldBook.release(.restriction, requestID: requestID, db)
            _ = try HoldBook.place(.restriction, contactRequests: references, consents: consents, requestID: requestID,
                                   reason: reason ?? "restriction (Art. 18), request \(requestID)", at: now, db)
            try AuditLog.append(action: "restrict", actor: actor, subject: subjectHash, details: [
                "request": requestID, "contact_requests": String(references.count), "consents": String(consents.count),
            ], at: now, db)
            return RestrictionReport(contactRequests: references.count, consents: consents.count)
        }
    }

    /// Lifts the restriction placed for `requestID`; returns how many marks were removed.
    public func lift(requestID: String, subjectHash: String) async throws -> Int {
        let now = context.clock.now()
        let actor = context.actor
        return try await context.store.pool.write { db in
            let n = try HoldBook.release(.restriction, requestID: requestID, db)
            guard n > 0 else { throw ConsentError.notFound(what: "a restriction placed for request \(requestID)") }
            try AuditLog.append(action: "restrict.lift", actor: actor, subject: subjectHash,
                                details: ["request": requestID, "records": String(n)], at: now, db)
            return n
        }
    }
}

import Foundation
import GRDB
import Vault

/// Brings the e-mail blind index of stored contact requests to the current normalisation (see
/// `EmailNormalisation`): each request is opened with the secret key, its address normalised,
/// and the index value rewritten where it differs.
///
/// Resumable: it works in batches in `reference` order, each batch its own transaction, and a row
/// already up to date is left alone, so a run that is interrupted (or run twice) just continues.
/// A request that cannot be opened is reported and skipped.
public struct ContactReindex: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        public var examined: Int = 0
        public var updated: Int = 0
        public var unreadable: [UnreadableRequest] = []
    }

    let archive: ContactArchive
    let batchSize: Int

    public init(archive: ContactArchive, batchSize: Int = 200) {
        self.archive = archive
        self.batchSize = max(1, batchSize)
    }

    /// Runs over every contact request; `progress` gets (examined so far, total). With `auditAt`,
    /// the counts are recorded in the audit log when the run is done (each batch commits on its own,
    /// so that an interrupted run can continue).
    public func run(auditAt: Date? = nil, actor: String = AuditLog.currentActor,
                    progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let store = archive.store
        let total = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0 }
        var report = Report()
        var after = ""
        while true {
            let rows = try await store.pool.read { [batchSize, after] db in
                try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests WHERE reference > ? ORDER BY reference LIMIT ?",
                                               arguments: [after, batchSize])
            }
            guard let last = rows.last else { break }
            after = last.reference
            var changes: [(reference: String, old: Data, new: Data)] = []
            let opened = archive.openEach(rows)
            report.unreadable += opened.unreadable
            let byReference = Dictionary(uniqueKeysWithValues: rows.map { ($0.reference, $0) })
            for view in opened.requests {
                guard let row = byReference[view.reference] else { continue }
                let value = Data(archive.index.contactIndex(email: view.email, reference: view.reference))
                if value != row.emailIndex { changes.append((view.reference, row.emailIndex, value)) }
            }
            if !changes.isEmpty {
                let updated = try await store.pool.write { [changes] db -> Int in
                    var n = 0
                    for change in changes {
                        // Only if the row is still as it was read (not erased or re-indexed meanwhile).
                        n += try ContactRequestRow.replaceEmailIndex(reference: change.reference, from: change.old, to: change.new, db)
                    }
                    return n
                }
                report.updated += updated
            }
            report.examined += rows.count
            progress(report.examined, total)
        }
        if let auditAt {
            try await AuditLog.record(AuditNote(action: "contacts.reindex", actor: actor, subject: nil, details: [
                "examined": String(report.examined), "updated": String(report.updated), "unreadable": String(report.unreadable.count),
            ]), at: auditAt, in: store)
        }
        return report
    }
}

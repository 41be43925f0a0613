import Foundation
import GRDB

/// What one retention rule found and did.
public struct RuleOutcome: Sendable, Codable, Equatable {
    public var rule: String
    public var data: String
    public var action: String
    /// When the clock's event must have happened for a record to be due: the cut-off.
    public var dueIfBefore: String?
    /// Records due and not held.
    public var due: Int
    /// Records deleted or anonymised by this run (0 in a dry run).
    public var done: Int
    /// Due records kept by a hold, per hold kind.
    public var held: [String: Int]

    enum CodingKeys: String, CodingKey {
        case rule, data, action, due, done, held
        case dueIfBefore = "due_if_before"
    }
}

public struct PurgeReport: Sendable, Codable, Equatable {
    public var asOf: String
    public var dryRun: Bool
    public var policyVersion: String
    public var policyHash: String
    public var rules: [RuleOutcome]
    /// The WAL was emptied after the deletions (no old page image remains).
    public var walTruncated: Bool

    enum CodingKeys: String, CodingKey {
        case rules
        case asOf = "as_of", dryRun = "dry_run", policyVersion = "policy_version", policyHash = "policy_hash"
        case walTruncated = "wal_truncated"
    }
}

/// Applies the policy's retention rules as of the clock's now (Art. 5(1)(e): storage limitation).
///
/// Deletes in batches, each in its own transaction, so memory stays flat and an interrupted run
/// loses nothing and is simply run again (every step is idempotent). A dry run counts with the very
/// same queries and changes nothing.
public struct Retention: Sendable {
    let store: PrivacyDatabase
    let policy: Policy
    let clock: any WallClock
    let actor: String
    let batchSize: Int
    /// Where a real run leaves its tombstone (so a restored backup purges again what this run purged).
    let tombstones: TombstoneLog?

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, actor: String = AuditLog.currentActor, batchSize: Int = 2000,
                tombstones: TombstoneLog? = nil) {
        self.tombstones = tombstones
        self.store = store
        self.policy = policy
        self.clock = clock
        self.actor = actor
        self.batchSize = batchSize
    }

    /// The `held` key of records kept because the archive has not decided on the offer yet.
    public static let awaitingArchiveHold = "archive_offer"

    public enum Failure: Error, CustomStringConvertible {
        case archiveOfferRequired(String)
        public var description: String {
            switch self {
            case .archiveOfferRequired(let archive):
                "the policy requires offering the records to \(archive) before they are purged; do so, then run `privacyctl purge --archive-offered`"
            }
        }
    }

    /// Runs every rule. `progress` hears (rule id, records done so far, records due).
    public func run(dryRun: Bool, archiveOffered: Bool = false,
                    progress: (@Sendable (String, Int, Int) -> Void)? = nil) async throws -> PurgeReport {
        // A decision recorded by `privacyctl wind-down archive` (or the policy's blanket appraisal)
        // counts as the offer made; until then the offered kinds are kept (ThürArchivG § 11).
        var decided = archiveOffered || policy.archive.appraisal != nil
        if !decided { decided = try await store.pool.read { db in try WindDownLog.archiveDecision(db) != nil } }
        if policy.archive.offerBeforePurge && !decided && !dryRun {
            throw Failure.archiveOfferRequired(policy.archive.archive ?? "the public archive")
        }
        let awaitingArchive = decided ? [] : Set(policy.archive.offered)
        let now = clock.now()
        if !dryRun { try tombstones?.prepare() }
        // Art. 21: choices recorded after an objection lose page, IP prefix and user agent (issue 13).
        let objected = dryRun
            ? try await store.pool.read { db in try Objection.minimiseObjected(now: Timestamp.millis(now), dryRun: true, db) }
            : try await store.pool.write { db in try Objection.minimiseObjected(now: Timestamp.millis(now), dryRun: false, db) }
        var outcomes: [RuleOutcome] = []
        var earlier: [RetentionSelection] = []
        var purged: [PurgedRule] = []
        for rule in policy.retention {
            let selection = RetentionSelection(rule: rule, policy: policy, now: now)
            if let cutoff = selection.cutoff { purged.append(PurgedRule(rule, cutoff: cutoff, policy: policy)) }
            let before = earlier
            defer { earlier.append(selection) }
            // "Everything" (a rule counted from the programme's end) reads as "before now".
            let dueIfBefore = selection.cutoff.map { $0 == Int64.max ? now : Timestamp.date(millis: $0) }
            var outcome = RuleOutcome(rule: rule.id, data: rule.data.rawValue, action: rule.action.rawValue,
                                      dueIfBefore: dueIfBefore.map(Timestamp.format), due: 0, done: 0, held: [:])
            let counts = try await store.pool.read { db in try selection.count(db, after: before) }
            if awaitingArchive.contains(rule.data) {
                // Offered to the archive and not decided yet: kept, and reported as held.
                outcome.held = counts.held
                if counts.due > 0 { outcome.held[Self.awaitingArchiveHold] = counts.due }
                outcomes.append(outcome)
                continue
            }
            outcome.due = counts.due
            outcome.held = counts.held
            if !dryRun && counts.due > 0, try await store.pool.read({ db in try selection.prefersBulk(db, due: counts.due) }) {
                outcome.done = try await store.pool.write { db in try selection.applyBulk(db) }
                progress?(rule.id, outcome.done, counts.due)
            } else if !dryRun && counts.due > 0 {
                while true {
                    let n = try await store.pool.write { db in try selection.apply(db, limit: batchSize) }
                    if n == 0 { break }
                    outcome.done += n
                    progress?(rule.id, outcome.done, counts.due)
                }
            }
            outcomes.append(outcome)
        }
        var report = PurgeReport(asOf: Timestamp.format(now), dryRun: dryRun, policyVersion: policy.version,
                                 policyHash: policy.sourceHash, rules: outcomes, walTruncated: false)
        if !dryRun {
            let summary = report
            let tombstone = {
                var t = Tombstone(kind: .purge, at: now)
                t.policyVersion = policy.version
                t.rules = purged
                return t
            }()
            let tombstones = self.tombstones
            // A purge that deleted or anonymised nothing leaves nothing for a restore to re-apply.
            let leavesTombstone = summary.rules.contains { $0.done > 0 }
            try await store.pool.write { db in
                // In the transaction of the audit entry, after every deletion committed: a backup
                // that sees this line under the write lock also holds the purge's result.
                if leavesTombstone { try tombstones?.append(tombstone) }
                var details = ["policy_version": summary.policyVersion, "policy_hash": summary.policyHash, "as_of": summary.asOf]
                if objected > 0 { details["objection.minimised"] = String(objected) }
                for o in summary.rules {
                    details["rule.\(o.rule).done"] = String(o.done)
                    details["rule.\(o.rule).held"] = String(o.held.values.reduce(0, +))
                }
                try AuditLog.append(action: "purge", actor: actor, subject: nil, details: details, at: now, db)
            }
            report.walTruncated = try store.truncateWAL()
        }
        return report
    }
}

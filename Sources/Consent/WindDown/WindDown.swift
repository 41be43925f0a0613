import Foundation
import GRDB
import Vault

/// The programme's end, carried out (`privacyctl wind-down`): stock-take, statistics for the
/// funder, archive offer, purge, and the deletion report, in this order and resumably.
///
/// Each step is recorded when it completes (``WindDownLog``, with an audit entry), so a run that
/// stopped (open requests or holds inside the grace period, no archive decision yet) or was
/// interrupted goes on from there, and a finished one only issues its report again. The
/// statistics are taken before anything is deleted and never recomputed afterwards.
/// Storage limitation, Art. 5(1)(e) GDPR; the archive offer, ThürArchivG §§ 4, 11.
public struct WindDown: Sendable {
    let store: PrivacyDatabase
    let policy: Policy
    let clock: any WallClock
    let actor: String
    /// Opens the sealed contact requests; `nil` when the secret key is not at hand.
    let archive: ContactArchive?

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, actor: String = AuditLog.currentActor,
                archive: ContactArchive?) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.actor = actor
        self.archive = archive
    }

    /// Runs the wind-down from where it stopped, or with `dryRun` reports what it would do and
    /// changes nothing. `packageFolder` is where the archive package goes; `onStatistics` hears the
    /// statistics once, right after they are taken and before anything is deleted (the CLI writes
    /// the funder's file there). Returns the report (``DeletionReport/stoppedAt`` says where a run stopped).
    public func run(dryRun: Bool, packageFolder: String,
                    onStatistics: (FunderStatistics) throws -> Void = { _ in }) async throws -> DeletionReport {
        let now = clock.now()
        guard now >= policy.programmeEndInstant else {
            throw WindDownError.programmeRunning(endsAt: Timestamp.format(policy.programmeEndInstant))
        }
        let policy = self.policy
        let steps = try await store.pool.read { db in try WindDownLog.steps(db) }
        var stoppedAt: WindDownStep?
        var stops: [String] = []
        func stop(_ step: WindDownStep, _ reasons: [String]) {
            if stoppedAt == nil { stoppedAt = step; stops = reasons }
        }
        var going: Bool { stoppedAt == nil || dryRun }

        // 1. Stock-take.
        let current = try await store.pool.read { db in try StockTake.take(db, policy: policy, now: now) }
        var held = try await stored(.stockTake, as: StockTake.self) ?? current
        if steps[.stockTake] == nil {
            let blockers = current.blockers(policy: policy, now: now)
            if !blockers.isEmpty {
                let graceEnd = policy.windDown.grace.added(to: policy.programmeEndInstant, in: policy.calendar)
                stop(.stockTake, blockers + ["release them (privacyctl hold release ID, closing the requests) or wait for the grace period to end at \(Timestamp.format(graceEnd))"])
            } else if !dryRun {
                try await record(.stockTake, current, audit: [
                    "contact_requests": String(current.contactRequests), "consent_entries": String(current.consentEntries),
                    "audit_entries": String(current.auditEntries), "holds": String(current.holds.count),
                    "open_requests": String(current.openRequests.count),
                ], at: now)
            }
            held = current
        }

        // 2. Statistics for the funder, before anything is deleted.
        var statistics = try await stored(.statistics, as: FunderStatistics.self)
        if statistics == nil && going {
            let callbackTimes: [String?]?
            if let archive {
                callbackTimes = try await archive.list().map(\.callbackTime)
            } else if current.contactRequests == 0 {
                callbackTimes = []
            } else if dryRun {
                callbackTimes = nil
            } else {
                throw WindDownError.secretKeyNeeded("the statistics count the callback windows, which are sealed with the contact data")
            }
            let stats = try await store.pool.read { db in
                try FunderStatistics.compute(db, policy: policy, now: now, callbackTimes: callbackTimes)
            }
            if !dryRun && stoppedAt == nil {
                try onStatistics(stats)
                try await record(.statistics, stats, audit: ["contact_requests_opened": String(callbackTimes?.count ?? 0)], at: now)
            }
            statistics = stats
        }

        // 3. Archive offer.
        var archiveOutcome = try await stored(.archive, as: ArchiveStepOutcome.self)
        if archiveOutcome == nil && going {
            let offered = policy.archiveOfferedKinds
            var outcome = ArchiveStepOutcome(required: !offered.isEmpty, archive: policy.archive.archive, offer: [],
                                             decision: nil, package: nil, manifest: nil)
            if !offered.isEmpty {
                outcome.offer = try await store.pool.read { db in try ArchiveOffer.list(db, policy: policy, stock: current) }
                var decision = try await store.pool.read { db in try WindDownLog.archiveDecision(db) }
                if decision == nil, let blanket = policy.archive.appraisal {
                    decision = ArchiveDecisionRecord(decision: blanket, reference: policy.archive.appraisalReference ?? "",
                                                     archive: policy.archive.archive, kinds: offered.map(\.rawValue),
                                                     source: "policy", decidedAt: Timestamp.format(now))
                }
                outcome.decision = decision
                if let decision, decision.decision == .taken {
                    outcome.package = packageFolder
                    if !dryRun && stoppedAt == nil {
                        let taken = offered.filter { decision.kinds.contains($0.rawValue) }
                        outcome.manifest = try await ArchiveOffer.writePackage(
                            to: packageFolder, kinds: taken, decision: decision, policy: policy, now: now, store: store, archive: archive)
                    }
                } else if decision == nil {
                    stop(.archive, ["the policy offers \(offered.map(\.rawValue).joined(separator: ", ")) to \(policy.archive.archive ?? "the public archive") before the purge; record its decision with `privacyctl wind-down archive --decision taken|declined --reference TEXT`, then run the wind-down again"])
                }
            }
            if !dryRun && stoppedAt == nil {
                try await record(.archive, outcome, audit: [
                    "required": String(outcome.required), "decision": outcome.decision?.decision.rawValue ?? "none",
                    "package_files": String(outcome.manifest?.files.count ?? 0),
                ], at: now)
            }
            archiveOutcome = outcome
        }

        // 4. Purge, as the policy says.
        var purge = try await stored(.purge, as: PurgeStep.self)
        if purge == nil && going {
            let before = try await store.pool.read { db in try LedgerHeads.read(db, at: now) }
            let report = try await Retention(store: store, policy: policy, clock: clock, actor: actor)
                .run(dryRun: dryRun, archiveOffered: true)
            let step = PurgeStep(report: report, before: before)
            if !dryRun && stoppedAt == nil {
                try await record(.purge, step, audit: ["records": String(report.rules.reduce(0) { $0 + $1.done })], at: now)
            }
            purge = step
        }

        if !dryRun, let stoppedAt {
            let reasons = stops.count
            try await store.pool.write { [actor] db in
                try AuditLog.append(action: "wind_down.stopped", actor: actor, subject: nil,
                                    details: ["step": stoppedAt.rawValue, "reasons": String(reasons)], at: now, db)
            }
        }
        return try await report(dryRun: dryRun, now: now, held: held, statistics: statistics, archive: archiveOutcome,
                                purge: purge, stoppedAt: stoppedAt, stops: stops)
    }

    /// Records the archive's decision on the offer (`privacyctl wind-down archive`).
    public func recordDecision(_ decision: ArchiveDecision, reference: String) async throws -> ArchiveDecisionRecord {
        let offered = policy.archiveOfferedKinds
        guard !offered.isEmpty else { throw WindDownError.noOfferRequired }
        let now = clock.now()
        let record = ArchiveDecisionRecord(decision: decision, reference: reference, archive: policy.archive.archive,
                                           kinds: offered.map(\.rawValue), source: "archive", decidedAt: Timestamp.format(now))
        try await self.record(.archiveDecision, record, audit: ["decision": decision.rawValue, "kinds": record.kinds.joined(separator: ",")], at: now)
        return record
    }

    /// Records that the report was issued (its SHA-256, and the key that signed it, if any).
    public func recordReportIssued(sha256: String, signedBy: String?) async throws {
        struct Issued: Codable { var sha256: String; var signedBy: String?
            enum CodingKeys: String, CodingKey { case sha256, signedBy = "signed_by" } }
        try await record(.report, Issued(sha256: sha256, signedBy: signedBy),
                         audit: ["sha256": sha256, "signed": signedBy == nil ? "no" : "yes"], at: clock.now())
    }

    // MARK: Steps

    private func stored<T: Decodable & Sendable>(_ step: WindDownStep, as type: T.Type) async throws -> T? {
        try await store.pool.read { db in try WindDownLog.details(step, as: T.self, db) }
    }

    private func record<T: Encodable & Sendable>(_ step: WindDownStep, _ details: T, audit: [String: String], at: Date) async throws {
        try await store.pool.write { [actor] db in
            try WindDownLog.record(step, details, audit: audit, at: at, actor: actor, db)
        }
    }

    // MARK: The report

    private func report(dryRun: Bool, now: Date, held: StockTake, statistics: FunderStatistics?, archive: ArchiveStepOutcome?,
                        purge: PurgeStep?, stoppedAt: WindDownStep?, stops: [String]) async throws -> DeletionReport {
        let policy = self.policy
        return try await store.pool.read { db in
            let steps = try WindDownLog.steps(db)
            let keys = try WindDownLog.details(.keysDestroyed, as: KeysDestroyed.self, db)
            var stepTimes: [String: String] = [:]
            for (step, record) in steps { stepTimes[step.rawValue] = record.completed }
            return DeletionReport(
                dryRun: dryRun, asOf: Timestamp.format(now), controller: policy.controller.name, programme: policy.programme.name,
                programmeEnd: Self.day(policy.programme.endDate), policyVersion: policy.version, policyHash: policy.sourceHash,
                stoppedAt: stoppedAt, stopReasons: stops, steps: stepTimes, held: held, statistics: statistics,
                archive: archive, earlierPurges: try Self.purges(db), purge: purge,
                consentCollectionEnds: policy.consentCollectionEnd.map(Timestamp.format),
                refusalRules: policy.retention.filter { $0.appliesTo == .refusals }.map(\.id), keys: keys,
                remaining: try Self.remaining(db, policy: policy, now: now, deletionRecords: steps.count),
                after: try LedgerHeads.read(db, at: now), signature: nil, unsignedReason: nil)
        }
    }

    static func day(_ c: DateComponents) -> String { String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0) }

    /// Every purge the audit log still records that did something: when, by whom, per rule.
    static func purges(_ db: Database) throws -> [EarlierPurge] {
        try AuditLog.entries(db, since: nil).filter { $0.action == "purge" }.compactMap { entry in
            var done: [String: Int] = [:]
            for (key, value) in entry.details where key.hasPrefix("rule.") && key.hasSuffix(".done") {
                if let n = Int(value), n > 0 { done[String(key.dropFirst(5).dropLast(5))] = n }
            }
            return done.isEmpty ? nil : EarlierPurge(at: entry.at, actor: entry.actor, done: done)
        }
    }

    /// What remains, per kind, and the latest instant a rule makes the last of it due.
    static func remaining(_ db: Database, policy: Policy, now: Date, deletionRecords: Int) throws -> [Remaining] {
        let calendar = policy.calendar
        func latest(_ data: DataKind, _ event: RetentionEvent, from millis: Int64?) -> String? {
            guard let millis else { return nil }
            let durations = policy.retention.filter { $0.data == data && $0.starts == event && $0.appliesTo == .all }.map(\.after)
            return durations.map { $0.added(to: Timestamp.date(millis: millis), in: calendar) }.min().map(Timestamp.format)
        }
        var result: [Remaining] = []
        let contacts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0
        if contacts > 0 {
            result.append(Remaining(data: DataKind.contactRequests.rawValue, records: contacts, until: nil, why: "held"))
        }
        let personal = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE redaction IS NULL") ?? 0
        if personal > 0 {
            // Every consent's entries go at the latest three years (the policy's period) after its
            // newest entry expires; a withdrawal may end them earlier.
            let lastExpiry = try Int64.fetchOne(db, sql: "SELECT MAX(expires_at) FROM consent_ledger WHERE redaction IS NULL")
            result.append(Remaining(data: DataKind.consentRecords.rawValue, records: personal,
                                    until: latest(.consentRecords, .expired, from: lastExpiry), why: "proof"))
        }
        let anonymised = try LedgerEntry.count(.anonymised, db)
        if anonymised > 0 {
            result.append(Remaining(data: DataKind.consentRecords.rawValue, records: anonymised, until: nil, why: "anonymised"))
        }
        let skeletons = try LedgerEntry.count(.deleted, db)
        if skeletons > 0 {
            result.append(Remaining(data: DataKind.consentRecords.rawValue, records: skeletons, until: nil, why: "chain"))
        }
        let audit = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0
        if audit > 0 {
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(at) FROM audit_log")
            result.append(Remaining(data: DataKind.auditEntries.rawValue, records: audit,
                                    until: latest(.auditEntries, .received, from: newest), why: "audit"))
        }
        if deletionRecords > 0 {
            result.append(Remaining(data: "deletion_records", records: deletionRecords,
                                    until: policy.windDown.recordsKept.map { Timestamp.format($0.added(to: now, in: calendar)) },
                                    why: "deletion_records"))
        }
        return result
    }
}

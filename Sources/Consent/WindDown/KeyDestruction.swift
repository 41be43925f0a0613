import Foundation
import GRDB
import Vault

/// `privacyctl keys destroy`: crypto-shredding. Once no sealed record needs the secret key, it is
/// overwritten and removed, so nothing sealed to it can be opened again (Art. 17, Art. 5(1)(e)).
public struct KeyDestruction: Sendable {
    let context: ActionContext
    let keys: KeyDirectory

    public init(store: PrivacyDatabase, keys: KeyDirectory, clock: any WallClock, actor: String = AuditLog.currentActor) {
        self.context = ActionContext(store: store, clock: clock, actor: actor)
        self.keys = keys
    }

    /// How many stored records are sealed (every contact request is).
    public func sealedRecords() async throws -> Int {
        try await context.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0 }
    }

    /// Refuses while sealed records exist, unless `force` and the wind-down's archive step is done;
    /// then overwrites and unlinks the secret key files and records it (audit log and wind-down).
    public func run(force: Bool) async throws -> KeysDestroyed {
        let (sealed, archived) = try await context.store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0, try WindDownLog.archiveStepDone(db))
        }
        if sealed > 0 && !(force && archived) {
            throw WindDownError.sealedRecordsRemain(sealed, archiveStepDone: archived)
        }
        let keyID = try? keys.loadPublic().publicKey.id.hex
        let files = try keys.destroySecretKeys()
        guard !files.isEmpty else { throw ConsentError.notFound(what: "a secret key file (vault.key) in \(keys.path)") }
        let result = KeysDestroyed(keyID: keyID, files: files, sealedRemaining: sealed, forced: force && sealed > 0)
        let now = context.clock.now()
        try await context.store.pool.write { [actor = context.actor] db in
            try WindDownLog.record(.keysDestroyed, result, audit: [
                "key_id": keyID ?? "unknown", "files": files.joined(separator: ","),
                "sealed_remaining": String(sealed), "forced": String(result.forced),
            ], at: now, actor: actor, db)
        }
        return result
    }
}

/// `privacyctl programme status`: where the programme and its wind-down stand, at a glance.
public struct ProgrammeStatus: Codable, Sendable, Equatable {
    public var asOf: String
    public var programmeEnd: String
    public var ended: Bool
    public var contactFormOpen: Bool
    public var consentCollectionEnds: String?
    public var consentCollectionOpen: Bool
    public var graceEnds: String
    public var stock: StockTake
    /// What would stop the wind-down's stock-take now.
    public var blockers: [String]
    public var archiveOffer: [String]
    public var archiveDecision: ArchiveDecisionRecord?
    /// Completed wind-down steps with their time.
    public var windDownSteps: [String: String]

    enum CodingKeys: String, CodingKey {
        case ended, stock, blockers
        case asOf = "as_of", programmeEnd = "programme_end", contactFormOpen = "contact_form_open"
        case consentCollectionEnds = "consent_collection_ends", consentCollectionOpen = "consent_collection_open"
        case graceEnds = "grace_ends", archiveOffer = "archive_offer", archiveDecision = "archive_decision"
        case windDownSteps = "wind_down_steps"
    }

    public static func read(store: PrivacyDatabase, policy: Policy, now: Date) async throws -> ProgrammeStatus {
        try await store.pool.read { db in
            let stock = try StockTake.take(db, policy: policy, now: now)
            var steps: [String: String] = [:]
            for (step, record) in try WindDownLog.steps(db) { steps[step.rawValue] = record.completed }
            return ProgrammeStatus(
                asOf: Timestamp.format(now), programmeEnd: Timestamp.format(policy.programmeEndInstant),
                ended: now >= policy.programmeEndInstant, contactFormOpen: policy.isCollecting(at: now),
                consentCollectionEnds: policy.consentCollectionEnd.map(Timestamp.format),
                consentCollectionOpen: policy.isCollectingConsents(at: now),
                graceEnds: Timestamp.format(policy.windDown.grace.added(to: policy.programmeEndInstant, in: policy.calendar)),
                stock: stock, blockers: stock.blockers(policy: policy, now: now),
                archiveOffer: policy.archiveOfferedKinds.map(\.rawValue), archiveDecision: try WindDownLog.archiveDecision(db),
                windDownSteps: steps)
        }
    }
}

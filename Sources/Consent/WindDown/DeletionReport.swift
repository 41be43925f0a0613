import Foundation

/// A purge that ran before the wind-down (the server's daily purge, `privacyctl purge`), from the audit log.
public struct EarlierPurge: Codable, Sendable, Equatable {
    public var at: String
    public var actor: String
    /// Rule id → records deleted or anonymised.
    public var done: [String: Int]
}

/// What the key step did (`privacyctl keys destroy`).
public struct KeysDestroyed: Codable, Sendable, Equatable {
    public var keyID: String?
    public var files: [String]
    /// Sealed records left that nothing can open any more (`--force`).
    public var sealedRemaining: Int
    public var forced: Bool

    enum CodingKeys: String, CodingKey {
        case files, forced, keyID = "key_id", sealedRemaining = "sealed_remaining"
    }
}

/// What remains after the wind-down, per kind, and until when.
public struct Remaining: Codable, Sendable, Equatable {
    public var data: String
    public var records: Int
    /// The latest instant a rule makes the last of them due; `nil` when no rule ends them.
    public var until: String?
    /// Why they remain (a code the renderer words: `held`, `proof`, `anonymised`, `chain`, `audit`, `deletion_records`).
    public var why: String
}

/// The purge step, as recorded.
public struct PurgeStep: Codable, Sendable, Equatable {
    public var report: PurgeReport
    public var before: LedgerHeads
}

/// The deletion report: what was held, what was deleted when and by which rule, what was archived,
/// what remains and until when, and the ledger's heads before and after. It holds no personal data.
public struct DeletionReport: Codable, Sendable, Equatable {
    public var format: String = "privacy-engine deletion report 1"
    public var dryRun: Bool
    public var asOf: String
    public var controller: String
    public var programme: String
    public var programmeEnd: String
    public var policyVersion: String
    public var policyHash: String
    /// Where the run stopped (`nil`: it went through), and why.
    public var stoppedAt: WindDownStep?
    public var stopReasons: [String]
    /// Completed steps with their time.
    public var steps: [String: String]
    /// What was held at the stock-take (before anything was deleted).
    public var held: StockTake
    public var statistics: FunderStatistics?
    public var archive: ArchiveStepOutcome?
    /// The purges before the wind-down (from the audit log) and the wind-down's own.
    public var earlierPurges: [EarlierPurge]
    public var purge: PurgeStep?
    public var consentCollectionEnds: String?
    public var refusalRules: [String]
    public var keys: KeysDestroyed?
    public var remaining: [Remaining]
    public var after: LedgerHeads
    /// The signature line (set when signed), or why it is unsigned.
    public var signature: String?
    public var unsignedReason: String?

    enum CodingKeys: String, CodingKey {
        case format, controller, programme, steps, held, statistics, archive, purge, keys, remaining, after, signature
        case dryRun = "dry_run", asOf = "as_of", programmeEnd = "programme_end", policyVersion = "policy_version"
        case policyHash = "policy_hash", stoppedAt = "stopped_at", stopReasons = "stop_reasons"
        case earlierPurges = "earlier_purges", consentCollectionEnds = "consent_collection_ends"
        case refusalRules = "refusal_rules", unsignedReason = "unsigned_reason"
    }
}

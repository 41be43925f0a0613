import Foundation
import GRDB
import Vault

/// The consent ledger: records choices, withdraws them, answers what a visitor chose, and proves it.
///
/// The ledger is append-only and hash-chained (see ``LedgerEntry``). The website and the DPO's
/// commands go through the same calls here; HTTP and the terminal are only edges.
public struct ConsentLedger: Sendable {
    let store: PrivacyDatabase
    let policy: Policy
    let clock: any WallClock
    let random: any RandomSource
    /// Hands out the ids of new histories, in increasing order (one issuer per ledger, so per server).
    let ids = ConsentIDIssuer()
    /// The server's group-commit writer; `nil` in the CLI, which writes one transaction per command.
    let writer: GroupCommitter?
    /// Worked out once, not per request: when a choice made now expires (in the policy's time
    /// zone), and the texts (with their canonical document and hash) in each language.
    let expiry: ConsentExpiry
    let textSnapshots: [String: TextsSnapshot]
    /// The policy as the consent rules read it (ids, required, services), also worked out once.
    let rules: ConsentRules.Catalogue

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, random: any RandomSource = SystemRandom(),
                writer: GroupCommitter? = nil) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.random = random
        self.writer = writer
        self.expiry = ConsentExpiry(calendar: policy.calendar, days: policy.consent.validDays)
        self.rules = ConsentRules.Catalogue(policy)
        var snapshots: [String: TextsSnapshot] = [:]
        for language in policy.textLanguages { snapshots[language] = TextsSnapshot(policy.texts(language: language)) }
        self.textSnapshots = snapshots
    }

    // MARK: Recording

    /// Records a choice as a new ledger entry. Without a consent id a new one is issued; a
    /// well-formed id the ledger does not hold (a browser's cookie outliving an erasure, say)
    /// starts a new history: it is the person's new choice, nothing of the erased one returns.
    /// Returns once the entry is durable.
    public func record(_ choice: ConsentChoice, provenance: Provenance, source: EntrySource = .web,
                       reason: String? = nil) async throws -> ConsentState {
        let completed = try ConsentRules.complete(choice, rules)
        let id = choice.consentID ?? ids.next(now: clock.now(), random: random)
        let entry = draft(id: id, method: choice.method, purposes: completed.purposes, services: completed.services,
                          provenance: provenance, source: source, reason: reason,
                          pageURL: choice.pageURL, language: choice.language)
        let texts = snapshot(language: choice.language)
        // The draft moves into the prepared entry; the write captures only that (no second copy).
        let prepared = PreparedEntry(entry)
        let stored = try await commit { db, carry in
            try PolicyTextArchive.keep(texts, at: prepared.entry.recordedAt, db, carry: carry)
            return try Self.append(prepared, db, carry: carry)
        }
        return state(of: stored, purposes: completed.purposes, services: completed.services)
    }

    /// Withdraws a consent: a new entry granting only what is required (Art. 7(3): as easy as giving it).
    /// `audit`, when given, is written to the audit log in the same transaction (the DPO's revocations).
    /// `language` is the banner's language the visitor withdrew in (its texts are the entry's texts);
    /// one the policy has no texts in is not recorded.
    public func withdraw(_ id: ConsentID, provenance: Provenance, source: EntrySource,
                         reason: String? = nil, audit: AuditNote? = nil, language: String? = nil) async throws -> ConsentState {
        let language = language.flatMap { policy.consent.texts[$0] != nil ? $0 : nil }
        let (purposes, services) = rules.withdrawal
        let entry = draft(id: id, method: .withdraw, purposes: purposes, services: services,
                          provenance: provenance, source: source, reason: reason, pageURL: nil, language: language)
        let texts = snapshot(language: language)
        let prepared = PreparedEntry(entry)
        let stored = try await commit { db, carry -> LedgerEntry in
            guard try Self.latest(id, db) != nil else { throw ConsentError.notFound(what: "consent \(id)") }
            try PolicyTextArchive.keep(texts, at: entry.recordedAt, db, carry: carry)
            let stored = try Self.append(prepared, db, carry: carry)
            if let audit {
                try AuditLog.append(action: audit.action, actor: audit.actor, subject: audit.subject,
                                    details: audit.details.merging(["sequence": String(stored.seq)]) { a, _ in a },
                                    at: Timestamp.date(millis: stored.recordedAt), db)
            }
            return stored
        }
        return state(of: stored)
    }

    private func draft(id: ConsentID, method: ConsentMethod, purposes: [String: Bool], services: [String: Bool],
                       provenance: Provenance, source: EntrySource, reason: String?,
                       pageURL: String?, language: String?) -> LedgerEntry {
        let now = clock.now()
        let expires = expiry.expiry(after: now)
        // A refusal needs no proof (Art. 7(1) is about consent): by default it is kept without the
        // IP prefix and user agent (Art. 5(1)(c)).
        let grantsOptional = rules.grantsOptional(purposes: purposes, services: services)
        let minimise = policy.consent.minimiseRefusals && !grantsOptional
        return LedgerEntry(
            seq: 0, consentID: id.rawValue, recordedAt: Timestamp.millis(now), expiresAt: Timestamp.millis(expires),
            policyVersion: policy.version, method: method.rawValue, source: source.rawValue,
            purposes: LedgerEntry.encodeChoices(purposes), services: LedgerEntry.encodeChoices(services),
            pageURL: pageURL, language: language, ipPrefix: minimise ? nil : provenance.ipPrefix,
            userAgent: minimise ? nil : provenance.userAgent,
            gpc: provenance.globalPrivacyControl,
            // GPC asks not to share or sell; any optional purpose or service granted against it
            // (accept_all, or a selection) is recorded as asked, and flagged.
            gpcConflict: provenance.globalPrivacyControl && grantsOptional,
            reason: reason, textsHash: snapshot(language: language).hash,
            contentHash: Data(), prevHash: Data(), entryHash: Data(), redaction: nil, redactedAt: nil, personalHash: nil,
            leaf: nil, leafSalt: Data(random.bytes(LedgerEntry.saltByteCount)))
    }

    /// The texts an entry in `language` is recorded under: those the banner is served in that
    /// language (German when the policy has none in it, or no language is known).
    public func snapshot(language: String?) -> TextsSnapshot {
        let fallback = Policy.fallbackLanguage
        return textSnapshots[language ?? fallback] ?? textSnapshots[fallback] ?? TextsSnapshot(policy.texts(language: fallback))
    }

    /// Appends `entry` after the current head, inside the caller's transaction. Reading the head in the
    /// same transaction keeps the chain whole even when `serve` and `privacyctl` write at once.
    /// `carry`, in the group committer, hands the tail (head and Merkle right edge) from one append
    /// to the next; the first append of a transaction checks it against the head read here, so a
    /// stale one is never used.
    static func append(_ entry: LedgerEntry, _ db: Database, carry: GroupCommitter.Carry? = nil) throws -> LedgerEntry {
        try append(PreparedEntry(entry), db, carry: carry)
    }

    /// As above, for an entry whose content was hashed before the writer's turn: inside the
    /// transaction only what depends on the ledger's end is left (seq, chain hash, leaf text).
    static func append(_ prepared: PreparedEntry, _ db: Database, carry: GroupCommitter.Carry? = nil) throws -> LedgerEntry {
        var entry = prepared.entry
        var tail = try LedgerTail.current(carried: carry?.ledgerTail, checked: carry?.checkedInTransaction ?? false, db)
        entry.seq = tail.seq + 1
        entry.prevHash = tail.entryHash
        entry.entryHash = HashChain.entryHash(prev: entry.prevHash, seq: entry.seq, content: entry.contentHash)
        // The Merkle leaf, in the same transaction: the salt was drawn when the entry was drafted.
        let leaf = LedgerEntry.leafText(seq: entry.seq, recordedAt: entry.recordedAt,
                                        choice: prepared.choiceDigest, personal: prepared.personalDigest)
        entry.leaf = Data(leaf)
        try entry.insertFast(db)
        try TreeHashes.append(.consentLedger, leafHash: Merkle.leafHash(leaf), to: &tail.tree, db)
        tail.seq = entry.seq
        tail.entryHash = entry.entryHash
        carry?.ledgerTail = tail
        carry?.checkedInTransaction = true
        return entry
    }

    private func commit<T: Sendable>(_ write: @escaping @Sendable (Database, GroupCommitter.Carry?) throws -> T) async throws -> T {
        if let writer { return try await writer.submit { db, carry in try write(db, carry) } }
        return try await store.pool.write { db in try write(db, nil) }
    }

    // MARK: Reading

    static func latest(_ id: ConsentID, _ db: Database) throws -> LedgerEntry? {
        // A cached statement: compiling this one anew on every request (with GRDB's authorizer
        // called for each of its 25 columns) was most of a GET /v1/consents/{id}.
        let statement = try db.cachedStatement(sql: "SELECT * FROM consent_ledger WHERE consent_id = ? ORDER BY seq DESC LIMIT 1")
        return try LedgerEntry.fetchOne(statement, arguments: [id.rawValue])
    }

    /// The current state (the latest entry) of a consent.
    public func current(_ id: ConsentID) async throws -> ConsentState {
        guard let entry = try store.readOneStatement({ db in try Self.latest(id, db) }) else {
            throw ConsentError.notFound(what: "consent \(id)")
        }
        return state(of: entry)
    }

    /// Every entry of a consent, oldest first.
    public func history(_ id: ConsentID) async throws -> [HistoryEntry] {
        let entries = try await store.pool.read { db in
            try LedgerEntry.fetchAll(db, sql: "SELECT * FROM consent_ledger WHERE consent_id = ? ORDER BY seq",
                                     arguments: [id.rawValue])
        }
        guard !entries.isEmpty else { throw ConsentError.notFound(what: "consent \(id)") }
        return entries.map(Self.historyEntry)
    }

    static func historyEntry(_ e: LedgerEntry) -> HistoryEntry {
        HistoryEntry(sequence: e.seq, recordedAt: Timestamp.format(millis: e.recordedAt),
                     expiresAt: e.expiresAt.map { Timestamp.format(millis: $0) },
                     policyVersion: e.policyVersion, method: e.method, source: e.source,
                     purposes: e.choices, services: e.serviceChoices, pageURL: e.pageURL, language: e.language,
                     ipPrefix: e.ipPrefix, userAgent: e.userAgent, gpc: e.gpc, gpcConflict: e.gpcConflict,
                     reason: e.reason, entryHash: Digest.hex([UInt8](e.entryHash)))
    }

    /// `purposes` and `services`, when the caller has them at hand, save parsing the stored JSON.
    func state(of e: LedgerEntry, purposes: [String: Bool]? = nil, services: [String: Bool]? = nil) -> ConsentState {
        let now = Timestamp.millis(clock.now())
        return ConsentState(
            consentID: e.consentID ?? "", recordedAt: Timestamp.format(millis: e.recordedAt),
            expiresAt: e.expiresAt.map { Timestamp.format(millis: $0) },
            policyVersion: e.policyVersion ?? "", method: e.method ?? "", source: e.source ?? "",
            purposes: purposes ?? e.choices, services: services ?? e.serviceChoices,
            expired: e.expiresAt.map { now >= $0 } ?? false,
            policyOutdated: e.policyVersion != policy.version,
            gpc: e.gpc ?? false, gpcConflict: e.gpcConflict ?? false,
            receipt: .init(sequence: e.seq, entryHash: Digest.hex([UInt8](e.entryHash)),
                           textsHash: e.textsHash.map { Digest.hex([UInt8]($0)) }))
    }

    // MARK: Proof

    /// Walks the whole chain and names the first entry that was edited, deleted or reordered.
    public func verify() async throws -> ChainReport {
        try await store.pool.read { db in try Self.verifyChain(db) }
    }

    /// Verifies the ledger's chain inside the caller's read.
    public static func verifyChain(_ db: Database) throws -> ChainReport {
        var report = ChainReport(chain: "consent_ledger", entries: 0, redacted: 0, firstBad: nil)
        var expectedSeq: Int64 = 1
        var prev = HashChain.genesis
        let cursor = try LedgerEntry.fetchCursor(db, sql: "SELECT * FROM consent_ledger ORDER BY seq")
        while let e = try cursor.next() {
            report.entries += 1
            func bad(_ problem: String) -> ChainReport {
                report.firstBad = .init(seq: e.seq, problem: problem)
                return report
            }
            if e.seq != expectedSeq {
                report.firstBad = .init(seq: expectedSeq, problem: "entry \(expectedSeq) is missing (next present is \(e.seq))")
                return report
            }
            if e.prevHash != prev { return bad("its previous-hash does not match entry \(e.seq - 1): entries were deleted, inserted or reordered") }
            if let problem = e.contentProblem { return bad(problem) }
            if e.redaction != nil { report.redacted += 1 }
            if HashChain.entryHash(prev: e.prevHash, seq: e.seq, content: e.contentHash) != e.entryHash {
                return bad("its hash does not match its content")
            }
            prev = e.entryHash
            expectedSeq += 1
        }
        return report
    }
}

import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

/// Whoever holds the database file rewrites history as well as they can — re-chaining the hashes,
/// rebuilding the leaves and the stored tree hashes — and `audit verify`'s transparency check must
/// still name the checkpoint the history contradicts. Lawful erasure and purge must not.
@Suite("Transparency log: checkpoints, attacks, receipts")
struct TransparencyTests {
    let box: Sandbox
    let signer: AuditKeyPair
    let verifier: NoteVerifier
    static let name = "leinefelde-suedstadt.de/consent-ledger"
    static let t0 = "2024-06-01T12:00:00+02:00"

    init() throws {
        box = try Sandbox()
        signer = try AuditKeyPair.generate()
        verifier = try signer.verifier(name: Self.name)
    }

    func record(_ n: Int, _ method: ConsentMethod = .rejectAll, at now: String = Self.t0) async throws -> [ConsentState] {
        var out: [ConsentState] = []
        for _ in 0..<n {
            out.append(try await box.record(method, at: now, provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "Test/1", globalPrivacyControl: false)))
        }
        return out
    }

    @discardableResult
    func checkpoint(at now: String = Self.t0) async throws -> CheckpointRecord {
        try await CheckpointLog(store: box.store).sign(origin: Self.name, key: signer, keyName: Self.name, at: instant(now)).record
    }

    func verify(files: [CheckpointSource] = []) async throws -> TransparencyReport {
        try await box.store.pool.read { db in try TransparencyVerifier.verify(db, verifier: verifier, files: files) }
    }

    /// The strongest rewrite: every later entry re-hashed and re-chained, every leaf and every stored
    /// tree hash recomputed, so that the file is consistent in itself.
    static func rewrite(_ db: Database, _ edit: (inout [LedgerEntry]) -> Void) throws {
        var entries = try LedgerEntry.fetchAll(db, sql: "SELECT * FROM consent_ledger ORDER BY seq")
        edit(&entries)
        try db.execute(sql: "DELETE FROM consent_ledger")
        try db.execute(sql: "DELETE FROM merkle_hashes WHERE tree = 0")
        var prev = HashChain.genesis
        var range = CompactRange()
        var stored: [Merkle.Hash] = []
        for (i, var e) in entries.enumerated() {
            e.seq = Int64(i + 1)
            e.prevHash = prev
            e.hashContent()
            e.entryHash = HashChain.entryHash(prev: prev, seq: e.seq, content: e.contentHash)
            e.makeLeaf(salt: [UInt8](e.leafSalt!))
            try e.insertFast(db)
            stored += range.append(Merkle.leafHash([UInt8](e.leaf!)))
            prev = e.entryHash
        }
        for (i, h) in stored.enumerated() {
            try db.execute(sql: "INSERT INTO merkle_hashes (tree, idx, hash) VALUES (0, ?, ?)", arguments: [i, Data(h)])
        }
    }

    @Test("an untouched history verifies against its checkpoints; proofs and roots agree")
    func untouched() async throws {
        _ = try await record(5)
        let first = try await checkpoint()
        _ = try await record(4, .acceptAll)
        try await box.store.pool.write { db in _ = try AuditLog.append(action: "test", actor: "t", subject: nil, details: [:], at: instant(Self.t0), db) }
        let second = try await checkpoint()
        #expect(first.treeSize == 5 && second.treeSize == 9 && second.auditLogSize == 1)
        let report = try await verify(files: [CheckpointSource(label: "file", note: first.note)])
        #expect(report.ok, "\(report.problems)")
        #expect(report.checkpoints.count == 3)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("rewrite and re-chain (reject_all → accept_all) is caught and names the checkpoint")
    func rewriteAndRechain() async throws {
        _ = try await record(6)
        let cp = try await checkpoint()
        _ = try await record(2)
        try await box.rawConnection().write { db in try Self.rewrite(db) { $0[2].method = ConsentMethod.acceptAll.rawValue } }
        #expect(try await box.ledgerReport().ok, "the re-chained hash chain verifies on its own: only the tree catches it")
        let report = try await verify()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains(cp.label) && $0.contains("no longer hash to the signed root") }, "\(report.problems)")
    }

    @Test("an edit that leaves the leaf alone is named by its entry and the checkpoint covering it")
    func editWithoutLeaf() async throws {
        _ = try await record(4)
        let cp = try await checkpoint()
        try await box.rawConnection().write { db in
            try db.execute(sql: "UPDATE consent_ledger SET method = 'accept_all' WHERE seq = 2")
        }
        let report = try await verify()
        #expect(report.problems.contains { $0.contains("entry 2") && $0.contains(cp.label) }, "\(report.problems)")
    }

    @Test("truncation (the newest entries deleted) is caught")
    func truncation() async throws {
        _ = try await record(7)
        let cp = try await checkpoint()
        try await box.rawConnection().write { db in
            try db.execute(sql: "DELETE FROM consent_ledger WHERE seq > 5")
            try db.execute(sql: "DELETE FROM merkle_hashes WHERE tree = 0 AND idx >= ?", arguments: [Merkle.storedHashCount(5)])
        }
        #expect(try await box.ledgerReport().ok)
        let report = try await verify()
        #expect(report.problems.contains { $0.contains(cp.label) && $0.contains("truncated") }, "\(report.problems)")
    }

    @Test("reordering two entries (and re-chaining everything) is caught")
    func reordering() async throws {
        _ = try await record(3, .rejectAll)
        _ = try await record(3, .acceptAll)
        let cp = try await checkpoint()
        try await box.rawConnection().write { db in try Self.rewrite(db) { $0.swapAt(1, 4) } }
        #expect(try await box.ledgerReport().ok)
        let report = try await verify()
        #expect(report.problems.contains { $0.contains(cp.label) }, "\(report.problems)")
    }

    @Test("a fork (the file rewound to an older copy, then written by the engine to the same length) is caught by the kept checkpoint")
    func fork() async throws {
        _ = try await record(3)
        try box.store.truncateWAL()
        let copy = box.folder + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: box.store.path, toPath: copy)
        _ = try await record(2, .rejectAll)
        let kept = try await checkpoint()
        // The rewound copy, written again by the engine itself: whole, and as long as before.
        let rewound = try PrivacyDatabase(path: copy)
        let ledger = ConsentLedger(store: rewound, policy: box.policy, clock: clock(Self.t0))
        for _ in 0..<2 {
            _ = try await ledger.record(ConsentChoice(consentID: nil, policyVersion: box.policy.version, purposes: [:], method: .acceptAll),
                                        provenance: .none)
        }
        let report = try await rewound.pool.read { db in
            try TransparencyVerifier.verify(db, verifier: verifier, files: [CheckpointSource(label: "checkpoint file kept.txt", note: kept.note)])
        }
        #expect(try await rewound.pool.read { db in try ConsentLedger.verifyChain(db) }.ok)
        #expect(try await rewound.pool.read { db in try TreeHashes.size(.consentLedger, db) } == 5)
        #expect(report.problems.contains { $0.contains("kept.txt") && $0.contains("no longer hash") }, "\(report.problems)")
    }

    @Test("a checkpoint signed by another key, or edited, fails its signature check")
    func forgedCheckpoint() async throws {
        _ = try await record(2)
        let cp = try await checkpoint()
        let other = try AuditKeyPair.generate()
        let forged = try SignedNote.sign(Checkpoint(origin: Self.name, treeSize: 1, rootHash: Merkle.emptyRoot, auditLogSize: 0, auditLogRoot: Merkle.emptyRoot).text,
                                         with: other, name: Self.name)
        let edited = cp.note.replacingOccurrences(of: "\n2\n", with: "\n1\n")
        let report = try await verify(files: [CheckpointSource(label: "forged", note: forged), CheckpointSource(label: "edited", note: edited)])
        #expect(report.problems.contains { $0.hasPrefix("forged:") })
        #expect(report.problems.contains { $0.hasPrefix("edited:") })
    }

    @Test("erasure and purge after a checkpoint keep every checkpoint verifying")
    func erasureAndPurge() async throws {
        let states = try await record(4)
        let cp = try await checkpoint()
        _ = try await box.erasure(at: "2024-07-01T12:00:00+02:00").erase(.consentID(ConsentID(states[1].consentID)!))
        // Three years after expiry every entry is due: retention deletes them, and old audit entries too.
        _ = try await box.retention(at: "2031-01-01T00:00:00+01:00").run(dryRun: false)
        let report = try await verify(files: [CheckpointSource(label: "file", note: cp.note)])
        #expect(report.ok, "\(report.problems)")
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger WHERE leaf_salt IS NOT NULL") == 0)
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger WHERE redaction = 'deleted'") == 4)
    }

    @Test("a receipt is pending until a checkpoint covers it, then verifies offline; a changed leaf fails")
    func receipts() async throws {
        let states = try await record(5)
        let id = ConsentID(states[3].consentID)!
        let pending = try await box.store.pool.read { db in try Receipt.latest(for: id, db) }
        #expect(pending.pending && pending.inclusionProof == nil && pending.leafIndex == 3)
        #expect(throws: ConsentError.self) { try ReceiptVerifier.verify(pending, verifier: verifier) }
        try await checkpoint()
        _ = try await record(3)
        let receipt = try await box.store.pool.read { db in try Receipt.latest(for: id, db) }
        #expect(!receipt.pending && receipt.treeSize == 5)
        let checkpoint = try ReceiptVerifier.verify(receipt, verifier: verifier)
        #expect(checkpoint.treeSize == 5)
        var changed = receipt
        var leafBytes = [UInt8](Data(base64Encoded: receipt.leaf)!)
        leafBytes[leafBytes.count - 3] ^= 0x01  // a character of the personal digest
        changed.leaf = Data(leafBytes).base64EncodedString()
        changed.leafHash = Data(Merkle.leafHash([UInt8](Data(base64Encoded: changed.leaf)!))).base64EncodedString()
        #expect(throws: ConsentError.self) { try ReceiptVerifier.verify(changed, verifier: verifier) }
        #expect(throws: ConsentError.self) { try box.store.pool.read { db in try Receipt.latest(for: ConsentID.random(using: SystemRandom()), db) } }
    }

    @Test("the migration gives an existing database its leaves and tree")
    func migrationBackfill() async throws {
        _ = try await record(6)
        try await box.rawConnection().write { db in
            try db.execute(sql: "UPDATE consent_ledger SET leaf = NULL, leaf_salt = NULL")
            try db.execute(sql: "DELETE FROM merkle_hashes")
            try TreeBackfill.run(db)
        }
        let report = try await verify()
        #expect(report.ok, "\(report.problems)")
        #expect(report.trees[0].size == 6)
    }

    @Test("a pin verifies only for its key and the signer's audit.pub")
    func pins() async throws {
        let pins = VaultKeyPins(store: box.store)
        #expect(try !pins.isPinned(box.keyPair.publicKey, verifier: verifier))
        try await pins.pin(box.keyPair.publicKey, signer: signer, signerName: Self.name, at: instant(Self.t0))
        #expect(try pins.isPinned(box.keyPair.publicKey, verifier: verifier))
        #expect(try !pins.isPinned(box.keyPair.publicKey, verifier: try AuditKeyPair.generate().verifier(name: Self.name)))
        #expect(try !pins.isPinned(try VaultKeyPair.generate().publicKey, verifier: verifier))
    }

    @Test("the checkpoint reminder: none without a policy age; warns with none yet or when the newest is too old")
    func staleness() async throws {
        let log = CheckpointLog(store: box.store)
        let day = try #require(ISODuration("P1D"))
        #expect(try await log.staleness(maxAge: nil, now: instant(Self.t0), calendar: box.policy.calendar) == nil)
        #expect(try await log.staleness(maxAge: day, now: instant(Self.t0), calendar: box.policy.calendar)?.contains("no checkpoint") == true)
        try await checkpoint(at: Self.t0)
        #expect(try await log.staleness(maxAge: day, now: instant("2024-06-02T11:59:59+02:00"), calendar: box.policy.calendar) == nil)
        #expect(try await log.staleness(maxAge: day, now: instant("2024-06-02T12:00:01+02:00"), calendar: box.policy.calendar)?.contains("older than P1D") == true)
    }

    @Test("log_origin and audit.checkpoint_max_age are read from the policy; the origin defaults to the controller's domain")
    func policyFields() throws {
        #expect(box.policy.checkpointOrigin.hasSuffix("/consent-ledger"))
        #expect(box.policy.checkpointMaxAge?.days == 1)
        let edited = try Fixtures.policy(("\nerasure:", "\nlog_origin: example.org/ledger\nerasure:"), ("checkpoint_max_age: P1D", "checkpoint_max_age: P2D"))
        #expect(edited.checkpointOrigin == "example.org/ledger")
        #expect(edited.checkpointMaxAge?.days == 2)
    }
}

@Suite("Entries prepared before the writer's turn")
struct PreparedEntryTests {
    @Test("hashes and leaf of a prepared entry equal those of the entry hashed and leafed in place", arguments: [
        (nil as String?, nil as String?), ("https://example.org/a", "de"), ("https://example.org/ü?x=1", "en"),
    ])
    func sameAsInPlace(pageURL: String?, language: String?) throws {
        var entry = LedgerEntry(
            seq: 0, consentID: "0123456789abcdef0123456789abcdef", recordedAt: 1_717_236_000_000, expiresAt: 1_748_772_000_000,
            policyVersion: "2024-03-01", method: "accept_selection", source: "web",
            purposes: #"{"external_media":true,"necessary":true}"#, services: #"{"youtube":true}"#,
            pageURL: pageURL, language: language, ipPrefix: "192.0.2.0/24", userAgent: "Mozilla/5.0", gpc: false,
            gpcConflict: false, reason: nil, textsHash: Data(repeating: 7, count: 32), contentHash: Data(), prevHash: Data(),
            entryHash: Data(), redaction: nil, redactedAt: nil, personalHash: nil, leaf: nil,
            leafSalt: Data((0..<32).map { UInt8($0) }))
        let prepared = PreparedEntry(entry)
        entry.hashContent()
        entry.seq = 42
        entry.makeLeaf(salt: [UInt8](entry.leafSalt!))
        #expect(prepared.entry.contentHash == entry.contentHash)
        #expect(prepared.entry.personalHash == entry.personalHash)
        #expect(Data(LedgerEntry.leafText(seq: 42, recordedAt: entry.recordedAt, choice: prepared.choiceDigest,
                                          personal: prepared.personalDigest)) == entry.leaf)
        #expect(prepared.choiceDigest == entry.choiceDigest)
        #expect(prepared.personalDigest == entry.personalDigest(salt: [UInt8](entry.leafSalt!)))
    }
}

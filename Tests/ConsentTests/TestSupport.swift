import Foundation
import GRDB
import Synchronization
import Testing
@testable import Consent
@testable import Vault

// Helpers shared by every Consent test: a real database file in a temporary folder, fixed clocks,
// the shipped policy, a key directory written with cheap Argon2id costs.

enum Fixtures {
    /// `policies/leinefelde-suedstadt.yaml`, found from this file's place in the repository.
    static let policyPath: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies/leinefelde-suedstadt.yaml").path

    static let policyText: String = {
        guard let data = FileManager.default.contents(atPath: policyPath) else {
            fatalError("the shipped policy is missing at \(policyPath)")
        }
        return String(decoding: data, as: UTF8.self)
    }()

    static func shippedPolicy() throws -> Policy { try PolicyParser.load(path: policyPath) }

    /// The shipped policy with `edits` applied (each `(old, new)` must occur in the file).
    static func policy(_ edits: (String, String)...) throws -> Policy {
        var text = policyText
        for (old, new) in edits {
            try #require(text.contains(old), "the shipped policy no longer contains \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        var parser = PolicyParser(file: "edited.yaml")
        return try parser.parse(text)
    }

    /// Cheap Argon2id costs: the tests do not test the costs themselves.
    static let fastLimits = PasswordHashLimits(opsLimit: 1, memLimit: 8 << 20)
    static let passphraseText = "Südstadt 2024 correct horse"
}

func passphrase(_ text: String = Fixtures.passphraseText) throws -> Passphrase {
    var bytes = Array(text.utf8)
    return try Passphrase(wiping: &bytes)
}

/// An ISO-8601 instant (test input is known to be valid).
func instant(_ text: String) -> Date {
    guard let date = Timestamp.parse(text) else { fatalError("not an instant: \(text)") }
    return date
}

func clock(_ text: String) -> FixedClock { FixedClock(instant(text)) }

/// A deterministic random source: a BLAKE2b counter stream from a seed.
final class SeededRandom: RandomSource {
    private let state: Mutex<(seed: [UInt8], counter: UInt64)>
    init(seed: String) { state = Mutex((Array(seed.utf8), 0)) }
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let block = state.withLock { s -> [UInt8] in
                s.counter += 1
                return Digest.blake2b(s.seed + withUnsafeBytes(of: s.counter.bigEndian) { Array($0) })
            }
            for b in block where offset < buffer.count { buffer[offset] = b; offset += 1 }
        }
    }
}

/// The same stream for Swift's random APIs (`randomElement(using:)`, `Bool.random(using:)`).
extension SeededRandom: RandomNumberGenerator {
    func next() -> UInt64 { bytes(8).reduce(0) { $0 << 8 | UInt64($1) } }
}

/// One test's world: a temporary folder with a real SQLite database (WAL) and a key directory.
final class Sandbox: @unchecked Sendable {
    let folder: String
    let store: PrivacyDatabase
    let policy: Policy
    let keys: KeyDirectory
    let keyPair: VaultKeyPair
    let indexKey: IndexKey
    let sealingKeys: SealingKeys

    init(policy: Policy? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("consent-tests-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try PrivacyDatabase(path: folder + "/data/privacy.sqlite")
        self.policy = try policy ?? Fixtures.shippedPolicy()
        keys = KeyDirectory(path: folder + "/keys")
        keyPair = try VaultKeyPair.generate()
        indexKey = try IndexKey.generate()
        try keys.write(keyPair: keyPair, indexKey: indexKey, passphrase: try passphrase(), limits: Fixtures.fastLimits)
        sealingKeys = try SealingKeys(keys: keys)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var databasePath: String { store.path }
    var index: BlindIndex { BlindIndex(key: indexKey) }

    func ledger(at now: String, writer: GroupCommitter? = nil, policy: Policy? = nil) -> ConsentLedger {
        ConsentLedger(store: store, policy: policy ?? self.policy, clock: clock(now), writer: writer)
    }

    func intake(at now: String, policy: Policy? = nil) -> ContactIntake {
        ContactIntake(store: store, policy: policy ?? self.policy, clock: clock(now), keys: sealingKeys)
    }

    func archive(keyPair: VaultKeyPair? = nil) -> ContactArchive {
        ContactArchive(store: store, opener: Opener(keyPair: keyPair ?? self.keyPair), index: index)
    }

    func retention(at now: String, policy: Policy? = nil) -> Retention {
        Retention(store: store, policy: policy ?? self.policy, clock: clock(now), actor: "test")
    }

    func erasure(at now: String, policy: Policy? = nil) -> Erasure {
        Erasure(store: store, archive: archive(), policy: policy ?? self.policy, clock: clock(now), index: index, actor: "test")
    }

    func holds(at now: String) -> HoldBook { HoldBook(store: store, clock: clock(now)) }

    /// Records a choice at `now`.
    @discardableResult
    func record(_ method: ConsentMethod, purposes: [String: Bool] = [:], services: [String: Bool] = [:],
                id: ConsentID? = nil, at now: String, provenance: Provenance = .none) async throws -> ConsentState {
        try await ledger(at: now).record(
            ConsentChoice(consentID: id, policyVersion: policy.version, purposes: purposes, services: services, method: method),
            provenance: provenance)
    }

    /// Submits a contact form at `now` (inside the collection window unless said otherwise).
    @discardableResult
    func submit(name: String = "Erika Mustermann", email: String = "erika.mustermann@example.org",
                message: String = "Bitte rufen Sie mich wegen des Nachbarschaftsfestes zurück.",
                phone: String? = "+49 3605 123456", consentID: String? = nil,
                at now: String = "2024-06-03T10:00:00+02:00", policy: Policy? = nil) async throws -> Reference {
        let form = try ContactForm(name: name, email: email, phone: phone, message: message, callbackTime: "ab 16 Uhr",
                                   privacyNoticeAccepted: true, consentID: consentID)
        return try await intake(at: now, policy: policy).submit(form)
    }

    /// Both files SQLite keeps: the database and its write-ahead log.
    func databaseFiles() -> [(name: String, bytes: Data)] {
        [("database", store.path), ("wal", store.path + "-wal")].map { name, path in
            (name, FileManager.default.contents(atPath: path) ?? Data())
        }
    }

    /// Which of the two files contain `needle` (empty when neither does).
    func filesContaining(_ needle: [UInt8]) -> [String] {
        databaseFiles().filter { $0.bytes.range(of: Data(needle)) != nil }.map(\.name)
    }

    func filesContaining(_ text: String) -> [String] { filesContaining(Array(text.utf8)) }

    /// A second, independent connection to the database file, as someone editing the file would use.
    func rawConnection() throws -> DatabaseQueue {
        try DatabaseQueue(path: store.path)
    }

    func count(_ sql: String) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    func ledgerReport() async throws -> ChainReport {
        try await store.pool.read { db in try ConsentLedger.verifyChain(db) }
    }

    func auditReport() async throws -> ChainReport {
        try await store.pool.read { db in try AuditLog.verify(db) }
    }
}

extension Date {
    func adding(seconds: TimeInterval) -> Date { addingTimeInterval(seconds) }
}

/// The line (1-based) of the first line of `text` containing `marker`.
func lineNumber(of marker: String, in text: String) -> Int? {
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(marker) {
        return i + 1
    }
    return nil
}

extension RuleOutcome {
    var heldTotal: Int { held.values.reduce(0, +) }
}

extension PurgeReport {
    func rule(_ id: String) -> RuleOutcome? { rules.first { $0.rule == id } }
}

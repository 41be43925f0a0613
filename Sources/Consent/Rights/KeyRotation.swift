import Foundation
import GRDB
import Vault

public struct RotationReport: Sendable, Codable, Equatable {
    public var oldKeyID: String
    public var newKeyID: String
    public var resealed: Int
    public var resumed: Bool

    enum CodingKeys: String, CodingKey {
        case resealed, resumed, oldKeyID = "old_key_id", newKeyID = "new_key_id"
    }
}

/// `privacyctl keys rotate`: a new key pair, every sealed record re-wrapped to it, then the new pair
/// takes the place of the old one, so the old secret is no longer needed.
///
/// Resumable: the new pair is first written beside the live one (`vault.key.next`, `vault.pub.next`),
/// records are re-wrapped in batches (each row names its key), and only then are the files swapped.
/// A rotation interrupted at any point is finished by running it again with the same passphrase.
public struct KeyRotation: Sendable {
    let store: PrivacyDatabase
    let keys: KeyDirectory
    let clock: any WallClock
    let random: any RandomSource
    let batchSize: Int

    public init(store: PrivacyDatabase, keys: KeyDirectory, clock: any WallClock, random: any RandomSource = SystemRandom(), batchSize: Int = 500) {
        self.store = store
        self.keys = keys
        self.clock = clock
        self.random = random
        self.batchSize = batchSize
    }

    /// `pin` records the new public key as pinned (signed with `audit.key`); it runs before the new
    /// key is promoted to `vault.pub`, so that a running server never sees an unpinned key.
    public func run(passphrase: Passphrase, limits: PasswordHashLimits = .interactive,
                    pin: (@Sendable (VaultPublicKey) async throws -> Void)? = nil,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RotationReport {
        let old = try keys.loadKeyPair(passphrase: passphrase)
        let (_, indexKey) = try keys.loadPublic()
        // Resuming: the new secret waits in vault.key.next. Its public file is derived from it again,
        // in case the run died before writing it or after moving it.
        let resumed = FileManager.default.fileExists(atPath: keys.secretKeyPath(suffix: KeyDirectory.nextGeneration))
        let new: VaultKeyPair
        if resumed {
            new = try keys.loadKeyPair(passphrase: passphrase, suffix: KeyDirectory.nextGeneration)
            try keys.writePublic(publicKey: new.publicKey, indexKey: indexKey, suffix: KeyDirectory.nextGeneration)
        } else {
            new = try VaultKeyPair.generate(random: random)
            try keys.write(keyPair: new, indexKey: indexKey, passphrase: passphrase, limits: limits,
                           suffix: KeyDirectory.nextGeneration, random: random)
        }
        let opener = Opener(keyPair: old)
        let sealer = Sealer(publicKey: new.publicKey, random: random)
        let total = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests WHERE key_id <> ?", arguments: [new.id.hex]) ?? 0
        }
        var resealed = try await rewrapAll(opener: opener, sealer: sealer, total: total, progress: progress)
        try await pin?(new.publicKey)
        try keys.promote(suffix: KeyDirectory.nextGeneration)
        // A server that sealed with the old public key just before the swap is caught here; it
        // re-reads vault.pub before every seal, so a second pass a moment later finds nothing new.
        resealed += try await rewrapAll(opener: opener, sealer: sealer, total: total, progress: nil)
        try await Task.sleep(nanoseconds: 300_000_000)
        resealed += try await rewrapAll(opener: opener, sealer: sealer, total: total, progress: nil)
        let report = RotationReport(oldKeyID: old.id.hex, newKeyID: new.id.hex, resealed: resealed, resumed: resumed)
        let now = clock.now()
        try await store.pool.write { db in
            _ = try AuditLog.append(action: "keys.rotate", actor: AuditLog.currentActor, subject: nil, details: [
                "old_key_id": report.oldKeyID, "new_key_id": report.newKeyID, "resealed": String(report.resealed),
            ], at: now, db)
        }
        try store.truncateWAL()
        return report
    }

    private func rewrapAll(opener: Opener, sealer: Sealer, total: Int, progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        var done = 0
        let newID = sealer.publicKey.id.hex
        let oldID = opener.keyPair.id.hex
        let batch = batchSize
        while true {
            let n = try await store.pool.write { db -> Int in
                let rows = try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests WHERE key_id <> ? LIMIT ?",
                                                          arguments: [newID, batch])
                for row in rows {
                    guard row.keyID == oldID else {
                        throw ConsentError.integrity("contact request \(row.reference) is sealed to key \(row.keyID), which is neither the live key \(oldID) nor the new one; it cannot be re-sealed")
                    }
                    let box = try opener.rewrap(SealedBox(bytes: [UInt8](row.sealed)), to: sealer)
                    try ContactRequestRow.reseal(reference: row.reference, sealed: Data(box.bytes), keyID: newID, db)
                }
                // The register of requests seals each person's identifier too (issue 13).
                return rows.count + (try RequestRegister.rewrapSubjects(db, opener: opener, sealer: sealer, limit: batch))
            }
            if n == 0 { return done }
            done += n
            progress?(done, total)
        }
    }
}

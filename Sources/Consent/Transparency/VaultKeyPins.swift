import Foundation
import GRDB
import Vault

/// A pinned `vault.pub` (table `vault_key_pins`, written only by ``VaultKeyPins``).
public struct VaultKeyPin: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "vault_key_pins"
    public var fingerprint: String
    public var keyID: String
    public var pinnedAt: Int64
    /// A signed note by `audit.key`: `vault-key-pin/v1 LF <key id> LF <fingerprint> LF`.
    public var statement: String

    enum CodingKeys: String, CodingKey {
        case fingerprint, statement, keyID = "key_id", pinnedAt = "pinned_at"
    }
}

/// The vault public keys the DPO has vouched for. `serve` seals only to a pinned key, so that
/// whoever can write the key folder cannot make the server seal contact requests to their own key
/// (Art. 32: integrity and confidentiality of processing).
public struct VaultKeyPins: Sendable {
    let store: PrivacyDatabase

    public init(store: PrivacyDatabase) { self.store = store }

    static let header = "vault-key-pin/v1"

    static func statementText(_ key: VaultPublicKey) -> String { "\(header)\n\(key.id.hex)\n\(key.fingerprint)\n" }

    /// Records `key` as pinned, signed with `audit.key` (`init`, `keys init`, `keys rotate`).
    public func pin(_ key: VaultPublicKey, signer: AuditKeyPair, signerName: String, at now: Date) async throws {
        let statement = try SignedNote.sign(Self.statementText(key), with: signer, name: signerName)
        let pin = VaultKeyPin(fingerprint: key.fingerprint, keyID: key.id.hex, pinnedAt: Timestamp.millis(now), statement: statement)
        try await store.pool.write { db in
            // Re-pinning replaces an older statement (e.g. one signed by a replaced audit.key).
            try pin.save(db)
            try AuditLog.append(action: "keys.pin", actor: AuditLog.currentActor, subject: nil,
                                details: ["key_id": pin.keyID, "fingerprint": pin.fingerprint], at: now, db)
        }
    }

    /// Whether `key` is pinned by a statement that `verifier` (audit.pub) signed.
    public func isPinned(_ key: VaultPublicKey, verifier: NoteVerifier) throws -> Bool {
        guard let pin = try store.pool.read({ db in try VaultKeyPin.fetchOne(db, key: key.fingerprint) }) else { return false }
        guard let text = try? SignedNote.open(pin.statement, verifier: verifier) else { return false }
        return text == Self.statementText(key)
    }
}

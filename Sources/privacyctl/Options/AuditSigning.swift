import Consent
import Foundation
import Vault

/// `audit.key` and `audit.pub` for the DPO's commands: making the pair, loading it to sign, and
/// pinning `vault.pub` with it.
enum AuditSigning {
    /// The signer name for a new `audit.pub`: the policy's log origin, or a plain default when no
    /// policy can be read (a key folder made apart from the policy).
    static func keyName(_ global: GlobalOptions) -> String {
        (try? global.loadPolicy())?.checkpointOrigin ?? "consent-ledger"
    }

    /// Writes `audit.key`/`audit.pub` with `passphrase` (the one that opens `vault.key`).
    static func makeKeys(_ global: GlobalOptions, passphrase: Passphrase) throws -> NoteVerifier {
        let pair = try AuditKeyPair.generate()
        let name = keyName(global)
        try global.keyDirectory.writeAudit(keyPair: pair, name: name, passphrase: passphrase)
        return try pair.verifier(name: name)
    }

    /// The signing key and its name (from `audit.pub`), checked to belong together.
    static func load(_ global: GlobalOptions, passphrase: Passphrase) throws -> (key: AuditKeyPair, name: String) {
        let keys = global.keyDirectory
        guard keys.hasAuditKeys() else {
            throw CommandFailure(.failed, "\(keys.path) holds no audit.key; make it with `privacyctl keys init` (keeps the vault pair)")
        }
        let verifier = try keys.loadAuditVerifier()
        let pair = try keys.loadAuditKeyPair(passphrase: passphrase)
        guard pair.publicKey == verifier.publicKey else {
            throw CommandFailure(.integrity, "\(keys.auditPublicKeyPath) does not belong to \(keys.auditSecretKeyPath); restore the pair from your backup")
        }
        return (pair, verifier.name)
    }

    /// Records the fingerprint of `vault.pub` (or `key`) in the database, signed with `audit.key`.
    static func pinVaultKey(_ global: GlobalOptions, store: PrivacyDatabase, passphrase: Passphrase, key: VaultPublicKey? = nil) async throws -> VaultPublicKey {
        let (signer, name) = try load(global, passphrase: passphrase)
        let publicKey = try key ?? global.keyDirectory.loadPublic().publicKey
        try await VaultKeyPins(store: store).pin(publicKey, signer: signer, signerName: name, at: try global.clock().now())
        return publicKey
    }

    /// The warning when the newest checkpoint is older than the policy's `audit.checkpoint_max_age`.
    static func staleCheckpointWarning(_ global: GlobalOptions, store: PrivacyDatabase) async {
        guard let policy = try? global.loadPolicy(), let clock = try? global.clock(),
              let warning = try? await CheckpointLog(store: store).staleness(maxAge: policy.checkpointMaxAge, now: clock.now(), calendar: policy.calendar)
        else { return }
        Output.note("privacyctl: warning: \(warning)")
    }
}

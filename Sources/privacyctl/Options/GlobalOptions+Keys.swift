import Consent
import Foundation
import Vault

/// The key material behind `--key-dir` and `--passphrase-file`: only the DPO's commands unwrap a
/// secret key; the public file serves the blind index.
extension GlobalOptions {
    /// Where the passphrase comes from: --passphrase-file, PRIVACY_PASSPHRASE or a no-echo prompt.
    var passphraseSource: PassphraseSource {
        PassphraseSource(file: passphraseFile, environment: ProcessInfo.processInfo.environment,
                         promptLabel: keyDirectory.secretKeyPath())
    }

    /// The passphrase, from --passphrase-file, PRIVACY_PASSPHRASE or a no-echo prompt, in that order.
    func passphrase(confirm: Bool = false) throws -> Passphrase {
        try passphraseSource.read(confirm: confirm)
    }

    /// The key pair, unwrapped with the passphrase: only the DPO's commands call this.
    func keyPair() throws -> VaultKeyPair {
        try keyDirectory.loadKeyPair(passphrase: passphrase())
    }

    /// The blind index (from vault.pub), to name subjects in the audit log by a keyed hash.
    func blindIndex() throws -> BlindIndex {
        BlindIndex(key: try keyDirectory.loadPublic().indexKey)
    }
}

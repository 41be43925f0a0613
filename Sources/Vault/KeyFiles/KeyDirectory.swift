import Foundation

/// The folder holding the vault's key files: which file is where, and what each one holds.
///
/// The jobs around it live beside it: ``KeyFileStorage`` reads and writes the bytes (permissions,
/// atomic replacement), `PublicKeyFile` and `SecretKeyFile` are the two formats (the secret one
/// wrapped with the passphrase), `KeyGenerations.swift` is the rotation's second generation of
/// files, `AuditKeyFiles.swift` the signing key's pair and `KeyShredding.swift` its destruction.
///
/// - `vault.pub`: the public key and the blind-index key; all `privacyctl serve` needs.
///   It cannot open anything, but the index key lets its holder test whether an address is on
///   file, so it is written 0600 too and refused when others can read it.
/// - `vault.key`: the secret key, wrapped with the DPO's passphrase (Argon2id → XChaCha20-Poly1305),
///   written 0600 and refused when group or others can read it.
public struct KeyDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static let publicFileName = "vault.pub"
    public static let secretFileName = "vault.key"

    /// `suffix` names a generation of files other than the live one (``nextGeneration`` during rotation).
    public func publicKeyPath(suffix: String = "") -> String { path + "/" + Self.publicFileName + suffix }
    public func secretKeyPath(suffix: String = "") -> String { path + "/" + Self.secretFileName + suffix }

    public func hasKeys(suffix: String = "") -> Bool {
        FileManager.default.fileExists(atPath: publicKeyPath(suffix: suffix))
            || FileManager.default.fileExists(atPath: secretKeyPath(suffix: suffix))
    }

    // MARK: Writing

    /// Writes both files for `keyPair` (0600, atomically through a temporary file and rename).
    public func write(keyPair: VaultKeyPair, indexKey: IndexKey, passphrase: Passphrase,
                      limits: PasswordHashLimits = .interactive, suffix: String = "",
                      random: any RandomSource = SystemRandom()) throws {
        try KeyFileStorage.makeFolder(path)
        let secret = try SecretKeyFile.wrap(keyPair: keyPair, passphrase: passphrase, limits: limits, random: random)
        try KeyFileStorage.write(secret, to: secretKeyPath(suffix: suffix))
        try writePublic(publicKey: keyPair.publicKey, indexKey: indexKey, suffix: suffix)
    }

    /// Writes only the public file (a rotation that resumes re-derives it from the new key pair).
    public func writePublic(publicKey: VaultPublicKey, indexKey: IndexKey, suffix: String = "") throws {
        try KeyFileStorage.write(PublicKeyFile.encode(publicKey: publicKey, indexKey: indexKey), to: publicKeyPath(suffix: suffix))
    }

    // MARK: Reading

    /// What the web-facing process loads: the public key and the index key.
    public func loadPublic(suffix: String = "") throws -> (publicKey: VaultPublicKey, indexKey: IndexKey) {
        let file = publicKeyPath(suffix: suffix)
        var bytes = try KeyFileStorage.read(file, forbiddenBits: 0o007)
        return try PublicKeyFile.decode(&bytes, path: file)
    }

    /// What the DPO's commands load: the key pair, unwrapped with the passphrase.
    public func loadKeyPair(passphrase: Passphrase, suffix: String = "") throws -> VaultKeyPair {
        let file = secretKeyPath(suffix: suffix)
        let bytes = try KeyFileStorage.read(file, forbiddenBits: 0o077)
        return try SecretKeyFile.unwrap(bytes, passphrase: passphrase, path: file)
    }
}

import Foundation

/// `audit.key` and `audit.pub`, beside the vault's pair.
///
/// - `audit.key`: the Ed25519 seed, wrapped with the passphrase exactly like `vault.key` (magic
///   "PASK"), 0600 and refused when group or others can read it. Only the DPO's commands read it.
/// - `audit.pub`: one line, the C2SP signed-note verifier key. Public: give it to anyone who
///   should check a checkpoint or a receipt.
extension KeyDirectory {
    public static let auditSecretFileName = "audit.key"
    public static let auditPublicFileName = "audit.pub"
    static let auditMagic: [UInt8] = Array("PASK".utf8)

    public var auditSecretKeyPath: String { path + "/" + Self.auditSecretFileName }
    public var auditPublicKeyPath: String { path + "/" + Self.auditPublicFileName }

    public func hasAuditKeys() -> Bool {
        FileManager.default.fileExists(atPath: auditSecretKeyPath) || FileManager.default.fileExists(atPath: auditPublicKeyPath)
    }

    /// Writes both audit files; `name` is the signer name in `audit.pub` (the log origin).
    public func writeAudit(keyPair: AuditKeyPair, name: String, passphrase: Passphrase,
                           limits: PasswordHashLimits = .interactive, random: any RandomSource = SystemRandom()) throws {
        try KeyFileStorage.makeFolder(path)
        let verifier = try keyPair.verifier(name: name)
        let secret = try SecretKeyFile.wrap(magic: Self.auditMagic, publicKey: keyPair.publicKey, secret: keyPair.seed,
                                            passphrase: passphrase, limits: limits, random: random)
        try KeyFileStorage.write(secret, to: auditSecretKeyPath)
        try KeyFileStorage.write(Array((verifier.encoded + "\n").utf8), to: auditPublicKeyPath)
    }

    /// The signing key, unwrapped with the passphrase (DPO only).
    public func loadAuditKeyPair(passphrase: Passphrase) throws -> AuditKeyPair {
        let bytes = try KeyFileStorage.read(auditSecretKeyPath, forbiddenBits: 0o077)
        let (publicKey, seed) = try SecretKeyFile.unwrap(bytes, magic: Self.auditMagic, secretByteCount: AuditKeyPair.seedByteCount,
                                                         passphrase: passphrase, path: auditSecretKeyPath)
        let pair = try AuditKeyPair(seed: seed)
        guard pair.publicKey == publicKey else { throw VaultError.wrongPassphrase(path: auditSecretKeyPath) }
        return pair
    }

    /// The verifier key from `audit.pub`.
    public func loadAuditVerifier() throws -> NoteVerifier {
        let bytes = try KeyFileStorage.read(auditPublicKeyPath, forbiddenBits: 0)
        do {
            return try NoteVerifier(parsing: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw VaultError.malformed("\(auditPublicKeyPath): \(error)")
        }
    }
}

extension VaultPublicKey {
    /// SHA-256 of the key bytes, hex: what the key pin records.
    public var fingerprint: String { Hex.encode(Digest.sha256(bytes)) }
}

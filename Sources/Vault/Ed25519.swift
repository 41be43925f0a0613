import CSodium
import Foundation

/// An Ed25519 signing key (libsodium `crypto_sign`), the secret half in guarded memory.
///
/// Used to sign the deletion report; the audit key of the transparency log (`audit.key`) is an
/// Ed25519 key, and a signature line follows the C2SP signed-note form, so that a verifier that
/// holds `audit.pub` checks a report the way it checks a checkpoint.
public struct Ed25519SigningKey: Sendable {
    public static let publicByteCount = 32
    public static let signatureByteCount = 64
    /// The key's name in signature lines (the signed-note key name).
    public let name: String
    public let publicKey: [UInt8]
    let secretKey: SecureBytes

    /// Makes a new key from a seed drawn from `random`.
    public static func generate(name: String, random: any RandomSource = SystemRandom()) throws -> Ed25519SigningKey {
        let seed = try SecureBytes(count: Int(crypto_sign_seedbytes())) { random.fill($0) }
        return try Ed25519SigningKey(name: name, seed: seed)
    }

    /// The key derived from a 32-byte seed (how an unwrapped key file hands it over).
    public init(name: String, seed: SecureBytes) throws {
        try Sodium.ensureReady()
        guard seed.count == Int(crypto_sign_seedbytes()) else { throw VaultError.malformed("Ed25519 seed") }
        var pk = [UInt8](repeating: 0, count: Self.publicByteCount)
        secretKey = try SecureBytes(count: Int(crypto_sign_secretkeybytes())) { sk in
            let rc = seed.withUnsafeBytes { s in
                crypto_sign_seed_keypair(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                         s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.keyDerivationFailed }
        }
        self.name = name
        self.publicKey = pk
    }

    /// A detached signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Self.signatureByteCount)
        secretKey.withUnsafeBytes { sk in
            _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count),
                                     sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return signature
    }

    /// The C2SP signed-note key hash: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public static func keyHash(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(Checksum.sha256(Array(name.utf8) + [0x0A, 0x01] + publicKey).prefix(4))
    }

    /// The verifier key line, `<name>+<8 hex of key hash>+<base64(0x01 ‖ public key)>` (as `audit.pub`).
    public var verifierKey: String {
        "\(name)+\(Hex.encode(Self.keyHash(name: name, publicKey: publicKey)))+\(Data([0x01] + publicKey).base64EncodedString())"
    }

    /// Checks a detached signature.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard Sodium.ready, signature.count == signatureByteCount, publicKey.count == publicByteCount else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}

extension AuditKeyPair {
    /// The same key as an ``Ed25519SigningKey`` named `name` (the signer name of `audit.pub`), for
    /// signatures beside the checkpoints: the wind-down's deletion report.
    public func signingKey(name: String) throws -> Ed25519SigningKey {
        try Ed25519SigningKey(name: name, seed: seed)
    }
}

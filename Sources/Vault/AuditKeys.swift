import CSodium
import Foundation

/// An Ed25519 key pair (libsodium `crypto_sign`), the secret half in guarded memory: the DPO's
/// signing key for checkpoints and key pins, and, under its signer name as an
/// ``Ed25519SigningKey``, for the deletion report. The secret half is only ever held by the DPO's
/// commands (`audit.key`, wrapped like `vault.key`); the server needs none of it.
public struct AuditKeyPair: Sendable {
    public static let seedByteCount = 32
    public static let signatureByteCount = 64
    public let publicKey: [UInt8]
    /// The 32-byte seed: what `audit.key` keeps.
    let seed: SecureBytes
    /// The 64-byte libsodium secret key derived from the seed: what signs.
    let secretKey: SecureBytes

    public static func generate(random: any RandomSource = SystemRandom()) throws -> AuditKeyPair {
        try Sodium.ensureReady()
        let seed = try SecureBytes(count: seedByteCount) { random.fill($0) }
        return try AuditKeyPair(seed: seed)
    }

    /// The pair derived from a 32-byte seed (how an unwrapped key file hands it over).
    init(seed: SecureBytes) throws {
        try Sodium.ensureReady()
        guard seed.count == Self.seedByteCount else { throw VaultError.malformed("Ed25519 seed") }
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_publickeybytes()))
        secretKey = try SecureBytes(count: Int(crypto_sign_secretkeybytes())) { sk in
            let rc = seed.withUnsafeBytes { s in
                crypto_sign_seed_keypair(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                         s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.keyDerivationFailed }
        }
        self.seed = seed
        publicKey = pk
    }

    /// An Ed25519 signature (64 bytes) over `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] { signature(of: message) }

    /// An Ed25519 signature (64 bytes) over `message` (libsodium cannot fail on a valid key).
    func signature(of message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Self.signatureByteCount)
        secretKey.withUnsafeBytes { sk in
            _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count),
                                     sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return signature
    }

    /// Whether `signature` is the Ed25519 signature of `message` by `publicKey`.
    static func isValidSignature(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard Sodium.ready, signature.count == signatureByteCount, publicKey.count == Int(crypto_sign_publickeybytes()) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// The verifier key of this pair under `name` (the line `audit.pub` holds).
    public func verifier(name: String) throws -> NoteVerifier {
        try NoteVerifier(name: name, publicKey: publicKey)
    }

    /// The same key under the signer name `name` (the signer name of `audit.pub`), for signatures
    /// beside the checkpoints: the wind-down's deletion report.
    public func signingKey(name: String) -> Ed25519SigningKey {
        Ed25519SigningKey(name: name, keyPair: self)
    }
}

/// A C2SP signed-note verifier key: `<name>+<hex8 key hash>+<base64(0x01 ‖ Ed25519 public key)>`,
/// where the key hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as in
/// Go's golang.org/x/mod/sumdb/note.
public struct NoteVerifier: Sendable, Equatable {
    public static let algEd25519: UInt8 = 0x01
    public let name: String
    public let publicKey: [UInt8]
    public let keyHash: [UInt8]

    public init(name: String, publicKey: [UInt8]) throws(VaultError) {
        guard Self.isValidName(name) else { throw .malformed("signer name '\(name)' (no spaces or '+', not empty)") }
        guard publicKey.count == 32 else { throw .malformed("Ed25519 public key") }
        self.name = name
        self.publicKey = publicKey
        self.keyHash = Self.keyHash(name: name, publicKey: publicKey)
    }

    /// Parses the one-line verifier key (as in `audit.pub`).
    public init(parsing text: String) throws(VaultError) {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Split at the first two '+' only: the base64 key may hold '+' itself.
        let parts = line.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let hash = Hex.decode(String(parts[1])), hash.count == 4, parts[1].count == 8,
              let raw = Data(base64Encoded: String(parts[2])), raw.count == 33, raw.first == Self.algEd25519 else {
            throw .malformed("verifier key (expected <name>+<8 hex digits>+<base64 key>)")
        }
        try self.init(name: String(parts[0]), publicKey: Array(raw.dropFirst()))
        guard keyHash == hash else { throw .malformed("verifier key: the key hash does not match the name and key") }
    }

    /// The key hash: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public static func keyHash(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(Checksum.sha256(Array(name.utf8) + [0x0A, algEd25519] + publicKey).prefix(4))
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace || $0.value < 0x21 }
    }

    public var encoded: String {
        name + "+" + Hex.encode(keyHash) + "+" + Data([Self.algEd25519] + publicKey).base64EncodedString()
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        AuditKeyPair.isValidSignature(signature, of: message, publicKey: publicKey)
    }
}

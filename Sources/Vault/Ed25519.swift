import Foundation

/// An ``AuditKeyPair`` under its signer name (the signed-note key name): what signs the deletion
/// report. The audit key of the transparency log (`audit.key`) signs it, and a signature line
/// follows the C2SP signed-note form, so that a verifier that holds `audit.pub` checks a report
/// the way it checks a checkpoint.
public struct Ed25519SigningKey: Sendable {
    public static let publicByteCount = 32
    public static let signatureByteCount = AuditKeyPair.signatureByteCount
    /// The key's name in signature lines (the signed-note key name).
    public let name: String
    public let keyPair: AuditKeyPair
    public var publicKey: [UInt8] { keyPair.publicKey }

    public init(name: String, keyPair: AuditKeyPair) {
        self.name = name
        self.keyPair = keyPair
    }

    /// Makes a new key from a seed drawn from `random`.
    public static func generate(name: String, random: any RandomSource = SystemRandom()) throws -> Ed25519SigningKey {
        Ed25519SigningKey(name: name, keyPair: try AuditKeyPair.generate(random: random))
    }

    /// The key derived from a 32-byte seed (how an unwrapped key file hands it over).
    public init(name: String, seed: SecureBytes) throws {
        self.init(name: name, keyPair: try AuditKeyPair(seed: seed))
    }

    /// A detached signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] { keyPair.signature(of: message) }

    /// The C2SP signed-note key hash (see ``NoteVerifier/keyHash(name:publicKey:)``).
    public static func keyHash(name: String, publicKey: [UInt8]) -> [UInt8] {
        NoteVerifier.keyHash(name: name, publicKey: publicKey)
    }

    /// The verifier key line, `<name>+<8 hex of key hash>+<base64(0x01 ‖ public key)>` (as `audit.pub`).
    public var verifierKey: String {
        "\(name)+\(Hex.encode(Self.keyHash(name: name, publicKey: publicKey)))+\(Data([NoteVerifier.algEd25519] + publicKey).base64EncodedString())"
    }

    /// Checks a detached signature.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        AuditKeyPair.isValidSignature(signature, of: message, publicKey: publicKey)
    }
}

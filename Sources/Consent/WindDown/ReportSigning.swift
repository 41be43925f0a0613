import Foundation
import GRDB
import Vault

/// Signs the deletion report so that it can be checked later.
///
/// The signature is detached: one line in C2SP signed-note form, `— <key name> <base64(4-byte key
/// hash ‖ 64-byte Ed25519 signature)>`, over the exact bytes of the report file (see
/// docs/wind-down.md). A verifier holding the key's verifier line (`audit.pub`) checks it.
public protocol ReportSigner: Sendable {
    var keyName: String { get }
    /// The signature line for `bytes` (without a line break).
    func signatureLine(for bytes: [UInt8]) -> String
}

/// A ``ReportSigner`` over an Ed25519 key (`audit.key`, or a test key).
public struct Ed25519ReportSigner: ReportSigner {
    let key: Ed25519SigningKey
    public init(key: Ed25519SigningKey) { self.key = key }
    public var keyName: String { key.name }

    public func signatureLine(for bytes: [UInt8]) -> String {
        let hash = Ed25519SigningKey.keyHash(name: key.name, publicKey: key.publicKey)
        return "\u{2014} \(key.name) \(Data(hash + key.sign(bytes)).base64EncodedString())"
    }
}

public enum ReportSignature {
    /// Checks a signature line against the report's bytes and a verifier key line
    /// (`<name>+<8 hex>+<base64(0x01 ‖ public key)>`).
    public static func verify(line: String, message: [UInt8], verifierKey: String) -> Bool {
        let parts = verifierKey.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2).map(String.init)
        guard parts.count == 3, let keyData = Data(base64Encoded: parts[2]), keyData.count == 33, keyData.first == 0x01 else { return false }
        let name = parts[0], publicKey = [UInt8](keyData.dropFirst())
        let hash = Ed25519SigningKey.keyHash(name: name, publicKey: publicKey)
        guard Digest.hex(hash) == parts[1].lowercased() else { return false }
        let fields = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        guard fields.count == 3, fields[0] == "\u{2014}", fields[1] == name,
              let blob = Data(base64Encoded: fields[2]), blob.count == 4 + Ed25519SigningKey.signatureByteCount,
              [UInt8](blob.prefix(4)) == hash else { return false }
        return Ed25519SigningKey.verify(signature: [UInt8](blob.dropFirst(4)), message: message, publicKey: publicKey)
    }
}

/// `audit.key`, the Ed25519 key the DPO signs checkpoints with, unwrapped with the passphrase like
/// `vault.key` and named as in `audit.pub`; `nil` when the key folder has no `audit.key` or no
/// passphrase is at hand (the report then says why it is unsigned, and the command warns).
public func loadAuditSigningKey(keys: KeyDirectory, passphrase: Passphrase?) throws -> Ed25519SigningKey? {
    guard let passphrase, FileManager.default.fileExists(atPath: keys.auditSecretKeyPath) else { return nil }
    let name = try keys.loadAuditVerifier().name
    return try keys.loadAuditKeyPair(passphrase: passphrase).signingKey(name: name)
}

/// The heads of the two hash chains at one moment, and the newest signed checkpoint, if any.
public struct LedgerHeads: Codable, Sendable, Equatable {
    public var at: String
    public var ledgerEntries: Int64
    public var ledgerHead: String?
    public var auditEntries: Int64
    public var auditHead: String?
    /// The newest signed checkpoint (`privacyctl audit checkpoint`); `nil` when there is none.
    public var checkpoint: String?

    enum CodingKeys: String, CodingKey {
        case at, checkpoint
        case ledgerEntries = "ledger_entries", ledgerHead = "ledger_head"
        case auditEntries = "audit_entries", auditHead = "audit_head"
    }

    static func read(_ db: Database, at now: Date) throws -> LedgerHeads {
        let ledger = try Row.fetchOne(db, sql: "SELECT seq, entry_hash FROM consent_ledger ORDER BY seq DESC LIMIT 1")
        let audit = try Row.fetchOne(db, sql: "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        return LedgerHeads(at: Timestamp.format(now),
                           ledgerEntries: ledger?["seq"] ?? 0, ledgerHead: (ledger?["entry_hash"] as Data?).map { Digest.hex([UInt8]($0)) },
                           auditEntries: audit?["seq"] ?? 0, auditHead: (audit?["entry_hash"] as Data?).map { Digest.hex([UInt8]($0)) },
                           checkpoint: try CheckpointLog.latest(db)?.note)
    }
}


import Foundation
import Vault

/// The signed heads of both trees: a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) with
/// one extension line for the audit log, signed as a C2SP signed note with `audit.key`:
///
///     <origin>
///     <consent ledger tree size>
///     <consent ledger root, base64>
///     audit-log <audit log tree size> <audit log root, base64>
///
///     — <key name> <base64(key hash ‖ Ed25519 signature)>
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var treeSize: Int64
    public var rootHash: Merkle.Hash
    public var auditLogSize: Int64
    public var auditLogRoot: Merkle.Hash

    public init(origin: String, treeSize: Int64, rootHash: Merkle.Hash, auditLogSize: Int64, auditLogRoot: Merkle.Hash) {
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.auditLogSize = auditLogSize
        self.auditLogRoot = auditLogRoot
    }

    /// The note's text (what is signed), ending in a newline.
    public var text: String {
        "\(origin)\n\(treeSize)\n\(Data(rootHash).base64EncodedString())\naudit-log \(auditLogSize) \(Data(auditLogRoot).base64EncodedString())\n"
    }

    /// Parses the text of a checkpoint note (after its signature was checked).
    public init(text: String) throws(ConsentError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func bad(_ why: String) -> ConsentError { .integrity("not a checkpoint of this engine: \(why)") }
        guard lines.count >= 4, lines.last == "" else { throw bad("fewer than three lines") }
        guard !lines[0].isEmpty else { throw bad("no origin") }
        guard let size = Int64(lines[1]), size >= 0, String(size) == lines[1] else { throw bad("line 2 is not a tree size") }
        guard let root = Data(base64Encoded: lines[2]), root.count == 32 else { throw bad("line 3 is not a base64 SHA-256 root") }
        var auditSize: Int64?
        var auditRoot: Data?
        for line in lines[3..<(lines.count - 1)] {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "audit-log" {
                auditSize = Int64(parts[1])
                auditRoot = Data(base64Encoded: String(parts[2]))
            }
        }
        guard let auditSize, auditSize >= 0, let auditRoot, auditRoot.count == 32 else { throw bad("no 'audit-log <size> <root>' line") }
        self.init(origin: lines[0], treeSize: size, rootHash: [UInt8](root), auditLogSize: auditSize, auditLogRoot: [UInt8](auditRoot))
    }

    /// Checks the note's signature with `verifier` and parses it.
    public static func open(note: String, verifier: NoteVerifier) throws -> Checkpoint {
        let text: String
        do {
            text = try SignedNote.open(note, verifier: verifier)
        } catch {
            throw ConsentError.integrity("checkpoint signature: \(error)")
        }
        return try Checkpoint(text: text)
    }

    public func size(of tree: LogTree) -> Int64 { tree == .consentLedger ? treeSize : auditLogSize }
    public func root(of tree: LogTree) -> Merkle.Hash { tree == .consentLedger ? rootHash : auditLogRoot }
}

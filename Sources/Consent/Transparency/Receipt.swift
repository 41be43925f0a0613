import Foundation
import GRDB
import Vault

/// What `GET /v1/consents/{consent_id}/receipt` answers: the leaf of the consent's latest entry and,
/// once a checkpoint covers it, its inclusion proof against that checkpoint. Anyone with
/// `audit.pub` can check it offline (``ReceiptVerifier``; steps in docs/transparency-log.md).
public struct Receipt: Codable, Sendable, Equatable {
    public var consentID: String
    public var sequence: Int64
    public var leafIndex: Int64
    public var leaf: String
    public var leafHash: String
    public var pending: Bool
    public var checkpoint: String?
    public var treeSize: Int64?
    public var inclusionProof: [String]?

    enum CodingKeys: String, CodingKey {
        case sequence, leaf, pending, checkpoint
        case consentID = "consent_id", leafIndex = "leaf_index", leafHash = "leaf_hash"
        case treeSize = "tree_size", inclusionProof = "inclusion_proof"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        consentID = try c.decode(String.self, forKey: .consentID)
        sequence = try c.decode(Int64.self, forKey: .sequence)
        leafIndex = try c.decode(Int64.self, forKey: .leafIndex)
        leaf = try c.decode(String.self, forKey: .leaf)
        leafHash = try c.decode(String.self, forKey: .leafHash)
        pending = try c.decodeIfPresent(Bool.self, forKey: .pending) ?? false
        checkpoint = try c.decodeIfPresent(String.self, forKey: .checkpoint)
        treeSize = try c.decodeIfPresent(Int64.self, forKey: .treeSize)
        inclusionProof = try c.decodeIfPresent([String].self, forKey: .inclusionProof)
    }

    /// Encodes the four proof fields as null while pending (the contract allows absent or null).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(consentID, forKey: .consentID)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(leafIndex, forKey: .leafIndex)
        try c.encode(leaf, forKey: .leaf)
        try c.encode(leafHash, forKey: .leafHash)
        try c.encode(pending, forKey: .pending)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(treeSize, forKey: .treeSize)
        try c.encode(inclusionProof, forKey: .inclusionProof)
    }

    init(consentID: String, sequence: Int64, leaf: Data, checkpoint: CheckpointRecord?, proof: [Merkle.Hash]?) {
        self.consentID = consentID
        self.sequence = sequence
        self.leafIndex = sequence - 1
        self.leaf = leaf.base64EncodedString()
        self.leafHash = Data(Merkle.leafHash([UInt8](leaf))).base64EncodedString()
        self.pending = checkpoint == nil
        self.checkpoint = checkpoint?.note
        self.treeSize = checkpoint?.treeSize
        self.inclusionProof = proof?.map { Data($0).base64EncodedString() }
    }

    /// The receipt of the latest entry of `id`, in one read transaction.
    public static func latest(for id: ConsentID, in store: PrivacyDatabase) async throws -> Receipt {
        try await store.pool.read { db in try latest(for: id, db) }
    }

    /// The receipt of the latest entry of `id`, in one read (O(log n) stored hashes).
    public static func latest(for id: ConsentID, _ db: Database) throws -> Receipt {
        let statement = try db.cachedStatement(sql: "SELECT seq, leaf FROM consent_ledger WHERE consent_id = ? ORDER BY seq DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement, arguments: [id.rawValue]) else {
            throw ConsentError.notFound(what: "consent \(id)")
        }
        let seq: Int64 = row["seq"]
        guard let leaf = row["leaf"] as Data? else { throw ConsentError.integrity("consent ledger entry \(seq) has no leaf") }
        guard let checkpoint = try CheckpointLog.latest(db), checkpoint.treeSize >= seq else {
            return Receipt(consentID: id.rawValue, sequence: seq, leaf: leaf, checkpoint: nil, proof: nil)
        }
        let proof = try TreeHashes.inclusionProof(.consentLedger, index: seq - 1, size: checkpoint.treeSize, db)
        return Receipt(consentID: id.rawValue, sequence: seq, leaf: leaf, checkpoint: checkpoint, proof: proof)
    }
}

/// Checks a receipt offline with `audit.pub`: the steps of docs/transparency-log.md.
public enum ReceiptVerifier {
    /// Returns the checkpoint the receipt is proven against; throws ``ConsentError/integrity(_:)``
    /// naming the first step that failed.
    public static func verify(_ receipt: Receipt, verifier: NoteVerifier) throws -> Checkpoint {
        func fail(_ why: String) -> ConsentError { .integrity("receipt does not verify: \(why)") }
        guard let leaf = Data(base64Encoded: receipt.leaf) else { throw fail("leaf is not base64") }
        guard Data(Merkle.leafHash([UInt8](leaf))).base64EncodedString() == receipt.leafHash else {
            throw fail("leaf_hash is not SHA-256(0x00 ‖ leaf)")
        }
        let lines = String(decoding: leaf, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 6, lines[0] == LedgerEntry.leafHeader else { throw fail("leaf is not a \(LedgerEntry.leafHeader) leaf") }
        guard lines[1] == String(receipt.sequence), receipt.leafIndex == receipt.sequence - 1 else {
            throw fail("leaf, sequence and leaf_index disagree")
        }
        guard !receipt.pending, let note = receipt.checkpoint, let size = receipt.treeSize, let proofText = receipt.inclusionProof else {
            throw fail("it is pending: no checkpoint covered the entry when it was fetched; fetch it again after the next checkpoint")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(note: note, verifier: verifier)
        } catch {
            throw fail("checkpoint: \(error)")
        }
        guard checkpoint.treeSize == size else { throw fail("tree_size \(size) is not the checkpoint's size \(checkpoint.treeSize)") }
        let proof = proofText.compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
        guard proof.count == proofText.count else { throw fail("inclusion_proof holds something that is not base64") }
        guard Merkle.verifyInclusion(index: receipt.leafIndex, size: size, leafHash: Merkle.leafHash([UInt8](leaf)),
                                     proof: proof, root: checkpoint.rootHash) else {
            throw fail("inclusion proof: the leaf is not in the tree the checkpoint signs (entry \(receipt.sequence), tree size \(size))")
        }
        return checkpoint
    }
}

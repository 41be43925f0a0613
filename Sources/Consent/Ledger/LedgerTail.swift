import Foundation
import GRDB

/// The end of the ledger as the next append needs it: the head of the hash chain and the right
/// edge of the Merkle tree (O(log n) hashes). The group committer carries it from one append to
/// the next (``GroupCommitter/Carry``), so an append costs one indexed read of the head (to be sure
/// that no other process appended meanwhile) instead of the head and the Merkle siblings.
struct LedgerTail {
    var seq: Int64
    var entryHash: Data
    var tree: CompactRange

    /// The head's sequence number and hash (0 and the genesis hash for an empty ledger).
    static func head(_ db: Database) throws -> (seq: Int64, entryHash: Data) {
        let statement = try db.cachedStatement(sql: "SELECT seq, entry_hash FROM consent_ledger ORDER BY seq DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement) else { return (0, HashChain.genesis) }
        return (row[0], row[1])
    }

    /// `carried` when it still ends where the ledger ends, else the tail read from the database.
    /// `checked`: `carried` was already compared with the head inside this transaction (the group
    /// committer's later appends), so it is the ledger's end without reading the head again.
    static func current(carried: LedgerTail?, checked: Bool = false, _ db: Database) throws -> LedgerTail {
        if checked, let carried { return carried }
        let head = try head(db)
        if let carried, carried.seq == head.seq, carried.entryHash == head.entryHash, carried.tree.size == head.seq {
            return carried
        }
        return LedgerTail(seq: head.seq, entryHash: head.entryHash,
                          tree: try TreeHashes.compactRange(.consentLedger, size: head.seq, db))
    }
}

import Foundation
import GRDB

/// The two logs the engine keeps as Merkle trees.
public enum LogTree: Int, Sendable, CaseIterable {
    case consentLedger = 0
    case auditLog = 1

    public var name: String { self == .consentLedger ? "consent_ledger" : "audit_log" }
}

/// The stored subtree hashes of both trees (table `merkle_hashes`): a cache that makes a root or a
/// proof cost O(log n) reads. `audit verify` recomputes every one of them from the entries.
///
/// Leaf `i` of the consent ledger is the entry with `seq` i + 1; the same holds for the audit log.
public enum TreeHashes {
    /// Appends the leaf hash of leaf `index` and the subtree hashes it completes, inside the
    /// caller's transaction (the same one that inserts the entry). Reads its O(log n) siblings there.
    static func append(_ tree: LogTree, index: Int64, leafHash: Merkle.Hash, _ db: Database) throws {
        let siblings = try read(tree, Merkle.indexesForAppend(index), db)
        let hashes = Merkle.hashesForAppend(index, leafHash: leafHash, siblings: siblings)
        try insert(tree, hashes, from: Merkle.storedHashIndex(level: 0, n: index), db)
    }

    /// Appends the next leaf to `range` (the tree as it is stored) and writes the hashes it adds,
    /// inside the caller's transaction: O(log n) hashing in memory, no reads.
    static func append(_ tree: LogTree, leafHash: Merkle.Hash, to range: inout CompactRange, _ db: Database) throws {
        let first = Merkle.storedHashIndex(level: 0, n: range.size)   // before the append grows the range
        try insert(tree, range.append(leafHash), from: first, db)
    }

    /// The compact range of `tree` at `size` leaves, from its stored right edge (popcount(size) reads).
    static func compactRange(_ tree: LogTree, size: Int64, _ db: Database) throws -> CompactRange {
        CompactRange(size: size, rightEdge: try read(tree, Merkle.rightEdgeIndexes(size: size), db))
    }

    /// Writes every stored hash of a tree built in memory (the migration of an existing database).
    static func storeAll(_ tree: LogTree, _ hashes: [Merkle.Hash], _ db: Database) throws {
        try insert(tree, hashes, from: 0, db)
    }

    /// Writes `hashes` at consecutive stored-hash indexes from `first`, each value bound directly
    /// (``StatementBinder``: on the server's writer this runs once or twice per consent).
    private static func insert(_ tree: LogTree, _ hashes: [Merkle.Hash], from first: Int64, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO merkle_hashes (tree, idx, hash) VALUES (?, ?, ?)")
        var at = first
        for h in hashes {
            try insert.execute { bind in bind(tree.rawValue); bind(at); bind(BlobBytes(h)) }
            at += 1
        }
    }

    /// Stored hashes by index; a missing one is an integrity failure.
    static func read(_ tree: LogTree, _ indexes: [Int64], _ db: Database) throws -> [Merkle.Hash] {
        let select = try db.cachedStatement(sql: "SELECT hash FROM merkle_hashes WHERE tree = ? AND idx = ?")
        return try indexes.map { idx in
            guard let h = try Data.fetchOne(select, arguments: [tree.rawValue, idx]), h.count == 32 else {
                throw ConsentError.integrity("\(tree.name): stored tree hash \(idx) is missing; run `privacyctl audit verify`")
            }
            return [UInt8](h)
        }
    }

    /// The number of leaves in `tree`: the highest sequence number ever appended.
    public static func size(_ tree: LogTree, _ db: Database) throws -> Int64 {
        switch tree {
        case .consentLedger:
            return try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM consent_ledger") ?? 0
        case .auditLog:
            if let top = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_log") { return top }
            return try AuditLog.anchor(db).seq
        }
    }

    public static func root(_ tree: LogTree, size: Int64, _ db: Database) throws -> Merkle.Hash {
        try Merkle.treeHash(size: size, read: { try read(tree, $0, db) })
    }

    public static func inclusionProof(_ tree: LogTree, index: Int64, size: Int64, _ db: Database) throws -> [Merkle.Hash] {
        try Merkle.inclusionProof(index: index, size: size, read: { try read(tree, $0, db) })
    }

    public static func consistencyProof(_ tree: LogTree, old: Int64, new: Int64, _ db: Database) throws -> [Merkle.Hash] {
        try Merkle.consistencyProof(old: old, new: new, read: { try read(tree, $0, db) })
    }

    /// Every stored hash of `tree` in index order (the order they were written), for `audit verify`.
    static func cursor(_ tree: LogTree, _ db: Database) throws -> RowCursor {
        try Row.fetchCursor(db, sql: "SELECT idx, hash FROM merkle_hashes WHERE tree = ? ORDER BY idx", arguments: [tree.rawValue])
    }
}

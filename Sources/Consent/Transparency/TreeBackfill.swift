import Foundation
import GRDB
import Vault

/// Gives the entries of a database made before the transparency log their leaves and stored tree
/// hashes (run once, by the migration that creates the trees).
enum TreeBackfill {
    /// `meta` key: the audit entries retention deleted before the tree existed (their leaves are
    /// the placeholder ``AuditEntry/prunedLeaf(seq:)``).
    static let auditPrunedKey = "merkle_audit_pruned_before_tree"

    static func run(_ db: Database, random: any RandomSource = SystemRandom()) throws {
        var ledger = CompactRange()
        let rows = try LedgerEntry.fetchCursor(db, sql: "SELECT * FROM consent_ledger ORDER BY seq")
        var ledgerHashes: [Merkle.Hash] = []
        while var entry = try rows.next() {
            guard entry.seq == ledger.size + 1 else {
                throw ConsentError.integrity("consent ledger: entry \(ledger.size + 1) is missing; run `privacyctl audit verify` on a copy made before this version")
            }
            entry.makeMigratedLeaf(salt: random.bytes(LedgerEntry.saltByteCount))
            try entry.storeMigratedLeaf(db)
            ledgerHashes += ledger.append(Merkle.leafHash([UInt8](entry.leaf!)))
        }
        try TreeHashes.storeAll(.consentLedger, ledgerHashes, db)

        var audit = CompactRange()
        var auditHashes: [Merkle.Hash] = []
        let pruned = try AuditLog.anchor(db).seq
        if pruned > 0 {
            try AuditLog.notePrunedBeforeTree(pruned, db)
        }
        for seq in stride(from: Int64(1), through: pruned, by: 1) {
            auditHashes += audit.append(Merkle.leafHash(AuditEntry.prunedLeaf(seq: seq)))
        }
        let entries = try AuditEntry.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
        while let entry = try entries.next() {
            guard entry.seq == audit.size + 1 else {
                throw ConsentError.integrity("audit log: entry \(audit.size + 1) is missing; run `privacyctl audit verify` on a copy made before this version")
            }
            auditHashes += audit.append(Merkle.leafHash(entry.leaf))
        }
        try TreeHashes.storeAll(.auditLog, auditHashes, db)
    }

    static func auditPrunedBeforeTree(_ db: Database) throws -> Int64 {
        let value = try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM meta WHERE key = ?", arguments: [auditPrunedKey])
        return value.flatMap { Int64($0) } ?? 0
    }
}

extension AuditEntry {
    /// The leaf of an audit entry that retention deleted before the tree existed.
    static func prunedLeaf(seq: Int64) -> [UInt8] { Array("\(leafHeader)\n\(seq)\n-".utf8) }
}

import Foundation
import GRDB
import Vault

/// A checkpoint `audit verify` checks: one stored in the database, or one from a file the DPO kept.
public struct CheckpointSource: Sendable {
    public var label: String
    public var note: String

    public init(label: String, note: String) {
        self.label = label
        self.note = note
    }
}

/// What `audit verify` found about the trees.
public struct TransparencyReport: Sendable, Codable {
    public struct Tree: Sendable, Codable {
        public var tree: String
        public var size: Int64
        public var root: String
        /// Leaves whose entries retention deleted: taken from the stored hashes, vouched for only by
        /// the checkpoints that cover them.
        public var leavesFromStoredHashes: Int64

        enum CodingKeys: String, CodingKey {
            case tree, size, root, leavesFromStoredHashes = "leaves_from_stored_hashes"
        }
    }

    public struct CheckedCheckpoint: Sendable, Codable {
        public var checkpoint: String
        public var ok: Bool
        public var problem: String?
        /// The RFC 9162 consistency proofs from this checkpoint to today's trees (for anyone to re-check).
        public var consistency: [ConsistencyProof] = []
    }

    public struct ConsistencyProof: Sendable, Codable {
        public var tree: String
        public var oldSize: Int64
        public var newSize: Int64
        public var proof: [String]

        enum CodingKeys: String, CodingKey {
            case tree, proof, oldSize = "old_size", newSize = "new_size"
        }
    }

    public var trees: [Tree]
    public var checkpoints: [CheckedCheckpoint]
    /// Every problem found; empty when both trees verify against every checkpoint.
    public var problems: [String]
    public var ok: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey { case trees, checkpoints, problems, ok }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(trees, forKey: .trees)
        try c.encode(checkpoints, forKey: .checkpoints)
        try c.encode(problems, forKey: .problems)
        try c.encode(ok, forKey: .ok)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trees = try c.decode([Tree].self, forKey: .trees)
        checkpoints = try c.decode([CheckedCheckpoint].self, forKey: .checkpoints)
        problems = try c.decode([String].self, forKey: .problems)
    }

    init(trees: [Tree], checkpoints: [CheckedCheckpoint], problems: [String]) {
        self.trees = trees
        self.checkpoints = checkpoints
        self.problems = problems
    }
}

/// `audit verify`'s proof against the file holder: recomputes every leaf from the stored entries
/// and both trees from the leaves (trusting no stored hash it did not recompute), checks every
/// checkpoint's signature, and proves with RFC 9162 consistency proofs that today's trees extend
/// every checkpoint. The hash chains (``ConsentLedger/verifyChain(_:)``) are checked separately.
public enum TransparencyVerifier {
    /// `verifier` is `audit.pub`; `nil` when it is missing, which fails every checkpoint.
    public static func verify(_ db: Database, verifier: NoteVerifier?, files: [CheckpointSource]) throws -> TransparencyReport {
        let stored = try CheckpointLog.all(db)
        var problems: [String] = []
        var checked: [TransparencyReport.CheckedCheckpoint] = []
        var opened: [(label: String, checkpoint: Checkpoint)] = []
        let sources = stored.map { CheckpointSource(label: $0.label, note: $0.note) } + files.map { file in
            // A file that is a copy of a stored checkpoint is named by its date too.
            if let same = stored.first(where: { $0.note == file.note }) { return CheckpointSource(label: "\(file.label) (\(same.label))", note: file.note) }
            return file
        }
        for source in sources {
            guard let verifier else {
                let problem = "\(source.label): cannot check its signature: audit.pub is missing"
                problems.append(problem)
                checked.append(.init(checkpoint: source.label, ok: false, problem: problem))
                continue
            }
            do {
                let checkpoint = try Checkpoint.open(note: source.note, verifier: verifier)
                // A file names its sizes (its date is known only when the database stored the same note).
                let label = source.label.contains("ledger size") ? source.label
                    : "\(source.label) (ledger size \(checkpoint.treeSize), audit log size \(checkpoint.auditLogSize))"
                opened.append((label, checkpoint))
                checked.append(.init(checkpoint: label, ok: true, problem: nil))
            } catch {
                let problem = "\(source.label): \(error)"
                problems.append(problem)
                checked.append(.init(checkpoint: source.label, ok: false, problem: problem))
            }
        }

        var trees: [TransparencyReport.Tree] = []
        for tree in LogTree.allCases {
            let wanted = opened.map { (label: $0.label, size: $0.checkpoint.size(of: tree), root: $0.checkpoint.root(of: tree)) }
            let result = try recompute(tree, db, checkpoints: wanted)
            trees.append(.init(tree: tree.name, size: result.size, root: Data(result.root).base64EncodedString(),
                               leavesFromStoredHashes: result.fromStored))
            var treeProblems = result.problems
            // Consistency proofs from the stored hashes (now known to match the recomputation).
            if treeProblems.isEmpty {
                for cp in wanted where cp.size > 0 && cp.size <= result.size {
                    let proof = try TreeHashes.consistencyProof(tree, old: cp.size, new: result.size, db)
                    if !Merkle.verifyConsistency(old: cp.size, new: result.size, oldRoot: cp.root, newRoot: result.root, proof: proof) {
                        treeProblems.append("\(tree.name) does not extend \(cp.label): its consistency proof fails")
                    }
                    if let i = checked.firstIndex(where: { $0.checkpoint == cp.label }) {
                        checked[i].consistency.append(.init(tree: tree.name, oldSize: cp.size, newSize: result.size,
                                                            proof: proof.map { Data($0).base64EncodedString() }))
                    }
                }
            }
            problems += treeProblems
            for i in checked.indices where checked[i].ok {
                if let p = treeProblems.first(where: { $0.contains(checked[i].checkpoint) }) {
                    checked[i].ok = false
                    checked[i].problem = p
                }
            }
        }
        return TransparencyReport(trees: trees, checkpoints: checked, problems: problems)
    }

    struct Recomputed {
        var size: Int64
        var root: Merkle.Hash
        var fromStored: Int64
        var problems: [String]
    }

    /// One pass over the entries and the stored hashes of `tree`.
    static func recompute(_ tree: LogTree, _ db: Database,
                          checkpoints: [(label: String, size: Int64, root: Merkle.Hash)]) throws -> Recomputed {
        var range = CompactRange()
        var problems: [String] = []
        var fromStored: Int64 = 0
        let bySize = Dictionary(grouping: checkpoints, by: \.size)
        let storedHashes = try TreeHashes.cursor(tree, db)
        var storedMismatch: Int64?
        var nextIndex: Int64 = 0

        func covering(_ seq: Int64) -> String {
            let labels = checkpoints.filter { $0.size >= seq }.map(\.label)
            return labels.isEmpty ? "" : "; it is covered by " + labels.joined(separator: ", ")
        }
        func add(_ leafHash: Merkle.Hash) throws {
            let produced = range.append(leafHash)
            for h in produced {
                let row = try storedHashes.next()
                if storedMismatch == nil, row?["idx"] as Int64? != nextIndex || (row?["hash"] as Data?).map({ [UInt8]($0) }) != h {
                    storedMismatch = nextIndex
                }
                nextIndex += 1
            }
            for cp in bySize[range.size] ?? [] where cp.root != range.root {
                problems.append("\(tree.name) contradicts \(cp.label): its first \(cp.size) entries no longer hash to the signed root (history rewritten, reordered or forked)")
            }
        }

        switch tree {
        case .consentLedger:
            let rows = try LedgerEntry.fetchCursor(db, sql: "SELECT * FROM consent_ledger ORDER BY seq")
            while let e = try rows.next() {
                if e.seq != range.size + 1 {
                    problems.append("consent_ledger: entry \(range.size + 1) is missing\(covering(range.size + 1))")
                    break
                }
                if let problem = e.leafProblem {
                    problems.append("consent_ledger: entry \(e.seq): \(problem)\(covering(e.seq))")
                    break
                }
                try add(Merkle.leafHash([UInt8](e.leaf!)))
            }
        case .auditLog:
            let pruned = try TreeBackfill.auditPrunedBeforeTree(db)
            for seq in stride(from: Int64(1), through: pruned, by: 1) { try add(Merkle.leafHash(AuditEntry.prunedLeaf(seq: seq))) }
            let rows = try AuditEntry.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
            var first = true
            while let e = try rows.next() {
                if first, e.seq > range.size + 1 {
                    // Deleted by retention after the tree existed: only the stored leaf hashes remain.
                    let anchor = try AuditLog.anchor(db).seq
                    let from = range.size
                    guard e.seq == anchor + 1 else {
                        problems.append("audit_log: entries \(from + 1)…\(e.seq - 1) are missing\(covering(from + 1))")
                        break
                    }
                    let hashes = try TreeHashes.read(tree, (from..<anchor).map { Merkle.storedHashIndex(level: 0, n: $0) }, db)
                    for h in hashes { try add(h) }
                    fromStored += anchor - from
                }
                first = false
                if e.seq != range.size + 1 {
                    problems.append("audit_log: entry \(range.size + 1) is missing\(covering(range.size + 1))")
                    break
                }
                try add(Merkle.leafHash(e.leaf))
            }
            if first {
                // Every audit entry was deleted by retention: the anchor says how many there were.
                let anchor = try AuditLog.anchor(db).seq
                if anchor > range.size {
                    let from = range.size
                    let hashes = try TreeHashes.read(tree, (from..<anchor).map { Merkle.storedHashIndex(level: 0, n: $0) }, db)
                    for h in hashes { try add(h) }
                    fromStored += anchor - from
                }
            }
        }
        let size = range.size
        if problems.isEmpty {
            if let storedMismatch {
                problems.append("\(tree.name): stored tree hash \(storedMismatch) differs from the one recomputed from the entries (the hash cache was edited)")
            } else if try storedHashes.next() != nil {
                problems.append("\(tree.name): the stored tree hashes hold more than its \(size) entries (entries were removed)\(covering(size + 1))")
            }
        }
        for cp in checkpoints where cp.size > size {
            problems.append("\(tree.name) has \(size) entries but \(cp.label) covers \(cp.size): entries were removed (truncated) or the database was replaced")
        }
        return Recomputed(size: size, root: range.root, fromStored: fromStored, problems: problems)
    }
}

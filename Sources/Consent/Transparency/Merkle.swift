import Vault

/// RFC 9162 §2.1 Merkle trees (SHA-256), with the stored-hash layout of Go's
/// golang.org/x/mod/sumdb/tlog so that a root or a proof costs O(log n) stored hashes.
///
/// Stored hashes: the hash of every complete, aligned subtree is kept, at index
/// ``storedHashIndex(level:n:)`` (level 0 = leaf hashes). Appending leaf `n` writes its leaf hash and
/// the hashes of the subtrees it completes, at consecutive indexes starting at `storedHashIndex(0, n)`.
public enum Merkle {
    public typealias Hash = [UInt8]
    /// Reads stored hashes by index, in the order asked.
    public typealias Reader = ([Int64]) throws -> [Hash]

    public static func leafHash(_ leaf: [UInt8]) -> Hash { Checksum.sha256(prefix: 0x00, leaf) }
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash { Checksum.sha256(prefix: 0x01, left, right) }
    /// MTH of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: Hash = Digest.sha256([])

    // MARK: Stored hashes

    /// Where the hash of the `n`th subtree of `level` (2^level leaves from n·2^level) is stored.
    public static func storedHashIndex(level: Int, n: Int64) -> Int64 {
        var n = n
        for _ in 0..<level { n = 2 * n + 1 }
        var i: Int64 = 0
        var x = n
        while x > 0 { i += x; x >>= 1 }
        return i + Int64(level)
    }

    /// How many hashes a tree of `n` leaves stores.
    public static func storedHashCount(_ n: Int64) -> Int64 {
        guard n > 0 else { return 0 }
        var count = storedHashIndex(level: 0, n: n - 1) + 1
        var i = UInt64(n - 1)
        while i & 1 != 0 { count += 1; i >>= 1 }
        return count
    }

    /// The stored hashes to read before appending leaf `n` (the left siblings it completes).
    public static func indexesForAppend(_ n: Int64) -> [Int64] {
        let m = (n + 1).trailingZeroBitCount
        var indexes = [Int64](repeating: 0, count: m)
        for i in 0..<m { indexes[m - 1 - i] = storedHashIndex(level: i, n: (n >> Int64(i)) - 1) }
        return indexes
    }

    /// The stored hashes of the complete subtrees that make up a tree of `size` leaves, largest
    /// first: what a ``CompactRange`` of it holds.
    static func rightEdgeIndexes(size: Int64) -> [Int64] { subtreeIndexes(Range(lo: 0, hi: size)) }

    /// The hashes to store for leaf `n`, at consecutive indexes from `storedHashIndex(0, n)`;
    /// `siblings` are the stored hashes at ``indexesForAppend(_:)``.
    public static func hashesForAppend(_ n: Int64, leafHash: Hash, siblings: [Hash]) -> [Hash] {
        var hashes = [leafHash]
        var h = leafHash
        let m = siblings.count
        for i in 0..<m {
            h = nodeHash(siblings[m - 1 - i], h)
            hashes.append(h)
        }
        return hashes
    }

    // MARK: Subtrees

    /// A range of leaves [lo, hi).
    public struct Range: Equatable, Sendable {
        public var lo: Int64
        public var hi: Int64
    }

    /// The stored hashes whose fold is MTH(D[lo:hi]): the complete aligned subtrees covering the range.
    static func subtreeIndexes(_ r: Range) -> [Int64] {
        var lo = r.lo
        var need: [Int64] = []
        while lo < r.hi {
            var level = 63 - UInt64(r.hi - lo).leadingZeroBitCount
            while lo & ((Int64(1) << level) - 1) != 0 { level -= 1 }
            need.append(storedHashIndex(level: level, n: lo >> Int64(level)))
            lo += Int64(1) << level
        }
        return need
    }

    /// Folds the subtree hashes of a range from the right (they are decreasing in size).
    static func fold(_ hashes: ArraySlice<Hash>) -> Hash {
        var h = hashes.last!
        for s in hashes.dropLast().reversed() { h = nodeHash(s, h) }
        return h
    }

    /// MTH of each range, reading all stored hashes in one call.
    static func hashes(of ranges: [Range], read: Reader) throws -> [Hash] {
        let groups = ranges.map(subtreeIndexes)
        let all = try read(groups.flatMap { $0 })
        var out: [Hash] = []
        var at = 0
        for g in groups {
            out.append(fold(all[at..<(at + g.count)]))
            at += g.count
        }
        return out
    }

    /// MTH(D[0:n]) from the stored hashes.
    public static func treeHash(size n: Int64, read: Reader) throws -> Hash {
        n == 0 ? emptyRoot : try hashes(of: [Range(lo: 0, hi: n)], read: read)[0]
    }

    static func split(_ n: Int64) -> Int64 {
        // The largest power of two smaller than n (n > 1).
        Int64(1) << (63 - UInt64(n - 1).leadingZeroBitCount)
    }

    // MARK: Proofs (RFC 9162 §2.1.3.1, §2.1.4.1)

    static func pathRanges(_ m: Int64, _ r: Range) -> [Range] {
        let n = r.hi - r.lo
        if n <= 1 { return [] }
        let k = split(n)
        if m - r.lo < k {
            return pathRanges(m, Range(lo: r.lo, hi: r.lo + k)) + [Range(lo: r.lo + k, hi: r.hi)]
        }
        return pathRanges(m, Range(lo: r.lo + k, hi: r.hi)) + [Range(lo: r.lo, hi: r.lo + k)]
    }

    static func subproofRanges(_ m: Int64, _ r: Range, _ complete: Bool) -> [Range] {
        let n = r.hi - r.lo
        if m == n { return complete ? [] : [r] }
        let k = split(n)
        if m <= k {
            return subproofRanges(m, Range(lo: r.lo, hi: r.lo + k), complete) + [Range(lo: r.lo + k, hi: r.hi)]
        }
        return subproofRanges(m - k, Range(lo: r.lo + k, hi: r.hi), false) + [Range(lo: r.lo, hi: r.lo + k)]
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    public static func inclusionProof(index: Int64, size: Int64, read: Reader) throws -> [Hash] {
        precondition(index >= 0 && index < size)
        return try hashes(of: pathRanges(index, Range(lo: 0, hi: size)), read: read)
    }

    /// The consistency proof from the tree of `old` leaves to the tree of `new` leaves (0 < old ≤ new).
    public static func consistencyProof(old: Int64, new: Int64, read: Reader) throws -> [Hash] {
        precondition(old > 0 && old <= new)
        if old == new { return [] }
        return try hashes(of: subproofRanges(old, Range(lo: 0, hi: new), true), read: read)
    }

    // MARK: Verification (RFC 9162 §2.1.3.2, §2.1.4.2)

    public static func verifyInclusion(index: Int64, size: Int64, leafHash: Hash, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard p.count == 32, sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    public static func verifyConsistency(old: Int64, new: Int64, oldRoot: Hash, newRoot: Hash, proof: [Hash]) -> Bool {
        guard old >= 0, old <= new else { return false }
        if old == new { return proof.isEmpty && oldRoot == newRoot }
        if old == 0 { return proof.isEmpty }
        var path = proof
        if old & (old - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first, path.allSatisfy({ $0.count == 32 }) else { return false }
        var fn = old - 1
        var sn = new - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = first
        var sr = first
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

/// Recomputes a tree from its leaf hashes in one pass, keeping only O(log n) hashes: the stored
/// hashes it would write, and the root of every prefix on request. `audit verify` uses it so that
/// no stored hash is trusted without being recomputed.
public struct CompactRange: Sendable {
    /// Complete subtrees from the left, largest first, with their levels.
    private var stack: [(level: Int, hash: Merkle.Hash)] = []
    public private(set) var size: Int64 = 0

    public init() {}

    /// The compact range of a tree of `size` leaves from its right edge: the hashes of the complete
    /// subtrees at ``Merkle/rightEdgeIndexes(size:)``, largest first.
    init(size: Int64, rightEdge: [Merkle.Hash]) {
        var levels: [Int] = []
        for level in stride(from: 63, through: 0, by: -1) where size & (Int64(1) << level) != 0 { levels.append(level) }
        precondition(levels.count == rightEdge.count)
        stack = Array(zip(levels, rightEdge))
        self.size = size
    }

    /// Appends a leaf hash and returns the hashes a tlog stores for it (leaf hash first).
    @discardableResult
    public mutating func append(_ leafHash: Merkle.Hash) -> [Merkle.Hash] {
        var stored = [leafHash]
        var h = leafHash
        var level = 0
        while let last = stack.last, last.level == level {
            stack.removeLast()
            h = Merkle.nodeHash(last.hash, h)
            level += 1
            stored.append(h)
        }
        stack.append((level, h))
        size += 1
        return stored
    }

    /// MTH of the leaves appended so far.
    public var root: Merkle.Hash {
        guard var h = stack.last?.hash else { return Merkle.emptyRoot }
        for s in stack.dropLast().reversed() { h = Merkle.nodeHash(s.hash, h) }
        return h
    }
}

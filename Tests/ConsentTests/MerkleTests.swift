import Consent
import Testing
import Vault

/// RFC 9162 §2.1 recomputed the plain way (recursion over the leaf hashes, nothing stored), to
/// check the stored-hash implementation against.
private enum Plain {
    static func mth(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        if d.isEmpty { return Merkle.emptyRoot }
        if d.count == 1 { return d.first! }
        let k = k(d.count)
        return Merkle.nodeHash(mth(d.prefix(k)), mth(d.dropFirst(k)))
    }

    static func k(_ n: Int) -> Int { var k = 1; while k * 2 < n { k *= 2 }; return k }

    static func path(_ m: Int, _ d: ArraySlice<[UInt8]>) -> [[UInt8]] {
        if d.count <= 1 { return [] }
        let k = k(d.count)
        if m < k { return path(m, d.prefix(k)) + [mth(d.dropFirst(k))] }
        return path(m - k, d.dropFirst(k)) + [mth(d.prefix(k))]
    }

    static func subproof(_ m: Int, _ d: ArraySlice<[UInt8]>, _ b: Bool) -> [[UInt8]] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = k(d.count)
        if m <= k { return subproof(m, d.prefix(k), b) + [mth(d.dropFirst(k))] }
        return subproof(m - k, d.dropFirst(k), false) + [mth(d.prefix(k))]
    }
}

@Suite("Merkle tree (RFC 9162 §2.1)")
struct MerkleTests {
    static let leaves: [[UInt8]] = (0..<70).map { Merkle.leafHash(Array("leaf \($0)".utf8)) }

    /// The stored hashes of the first `n` leaves, as the append path writes them.
    static func stored(_ n: Int) -> [[UInt8]] {
        var hashes: [[UInt8]] = []
        for i in 0..<n {
            let siblings = Merkle.indexesForAppend(Int64(i)).map { hashes[Int($0)] }
            hashes += Merkle.hashesForAppend(Int64(i), leafHash: leaves[i], siblings: siblings)
        }
        return hashes
    }

    static let all = stored(70)
    static func reader(_ limit: Int) -> Merkle.Reader {
        { indexes in
            indexes.map { i in
                precondition(Int(i) < limit, "read a stored hash beyond the tree")
                return all[Int(i)]
            }
        }
    }

    @Test("leaf n's hashes are stored from storedHashIndex(0, n); the count matches", arguments: 1...70)
    func layout(n: Int) {
        let hashes = Self.stored(n)
        #expect(Int64(hashes.count) == Merkle.storedHashCount(Int64(n)))
        #expect(Merkle.storedHashIndex(level: 0, n: Int64(n - 1)) < Int64(hashes.count))
        #expect(hashes[Int(Merkle.storedHashIndex(level: 0, n: Int64(n - 1)))] == Self.leaves[n - 1])
        var range = CompactRange()
        var fromRange: [[UInt8]] = []
        for l in Self.leaves.prefix(n) { fromRange += range.append(l) }
        #expect(fromRange == hashes)
    }

    @Test("leaf and node hashes use the 0x00 and 0x01 prefixes")
    func prefixes() {
        #expect(Merkle.leafHash([]) == Digest.sha256([0]))
        #expect(Merkle.nodeHash([1], [2]) == Digest.sha256([1, 1, 2]))
        // RFC 6962 test vector: the hash of the empty tree.
        #expect(Digest.hex(Merkle.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("the root of every size 1…70 equals the plain MTH, also from a compact range", arguments: 1...70)
    func roots(n: Int) throws {
        let plain = Plain.mth(Self.leaves.prefix(n))
        let limit = Int(Merkle.storedHashCount(Int64(n)))
        #expect(try Merkle.treeHash(size: Int64(n), read: Self.reader(limit)) == plain)
        var range = CompactRange()
        for l in Self.leaves.prefix(n) { range.append(l) }
        #expect(range.root == plain)
    }

    @Test("inclusion proofs of every leaf of every size 1…70", arguments: 1...70)
    func inclusion(n: Int) throws {
        let root = Plain.mth(Self.leaves.prefix(n))
        let limit = Int(Merkle.storedHashCount(Int64(n)))
        for m in 0..<n {
            let proof = try Merkle.inclusionProof(index: Int64(m), size: Int64(n), read: Self.reader(limit))
            #expect(proof == Plain.path(m, Self.leaves.prefix(n)))
            #expect(Merkle.verifyInclusion(index: Int64(m), size: Int64(n), leafHash: Self.leaves[m], proof: proof, root: root))
            // A proof for another leaf, position or size fails.
            #expect(!Merkle.verifyInclusion(index: Int64(m), size: Int64(n), leafHash: Self.leaves[(m + 1) % 70], proof: proof, root: root))
            if n > 1 {
                #expect(!Merkle.verifyInclusion(index: Int64((m + 1) % n), size: Int64(n), leafHash: Self.leaves[m], proof: proof, root: root))
            }
            if n < 70 {
                let bigger = Plain.mth(Self.leaves.prefix(n + 1))
                #expect(!Merkle.verifyInclusion(index: Int64(m), size: Int64(n + 1), leafHash: Self.leaves[m], proof: proof, root: bigger))
            }
        }
    }

    @Test("consistency proofs for every pair of sizes 1 ≤ m ≤ n ≤ 70", arguments: 1...70)
    func consistency(n: Int) throws {
        let newRoot = Plain.mth(Self.leaves.prefix(n))
        let limit = Int(Merkle.storedHashCount(Int64(n)))
        for m in 1...n {
            let oldRoot = Plain.mth(Self.leaves.prefix(m))
            let proof = try Merkle.consistencyProof(old: Int64(m), new: Int64(n), read: Self.reader(limit))
            #expect(proof == (m == n ? [] : Plain.subproof(m, Self.leaves.prefix(n), true)))
            #expect(Merkle.verifyConsistency(old: Int64(m), new: Int64(n), oldRoot: oldRoot, newRoot: newRoot, proof: proof))
            // A forked old tree (another leaf m-1) does not verify.
            var forked = Array(Self.leaves.prefix(m))
            forked[m - 1] = Merkle.leafHash(Array("fork".utf8))
            #expect(!Merkle.verifyConsistency(old: Int64(m), new: Int64(n), oldRoot: Plain.mth(forked[...]), newRoot: newRoot, proof: proof))
            if m < n {
                var wrong = proof
                wrong[wrong.count - 1] = Merkle.leafHash(Array("x".utf8))
                #expect(!Merkle.verifyConsistency(old: Int64(m), new: Int64(n), oldRoot: oldRoot, newRoot: newRoot, proof: wrong))
            }
        }
    }

    @Test("a proof reads O(log n) stored hashes")
    func logarithmicReads() throws {
        for n in [64, 65, 70] {
            var reads = 0
            let base = Self.reader(Int(Merkle.storedHashCount(Int64(n))))
            let counting: Merkle.Reader = { reads += $0.count; return try base($0) }
            _ = try Merkle.inclusionProof(index: 3, size: Int64(n), read: counting)
            _ = try Merkle.consistencyProof(old: 5, new: Int64(n), read: counting)
            _ = try Merkle.treeHash(size: Int64(n), read: counting)
            #expect(reads <= 3 * 2 * 7)
        }
    }
}

import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

/// What `merkle_hashes` holds must be exactly the hashes a compact range produces, at consecutive
/// indexes from 0, whether appended leaf by leaf (the writer) or stored at once (the migration).
@Suite("Stored tree hashes")
struct TreeHashesTests {
    static let leaves: [Merkle.Hash] = (0..<300).map { Merkle.leafHash(Array("leaf \($0)".utf8)) }

    /// The stored hashes of `tree`, in index order, with their indexes.
    static func stored(_ tree: LogTree, _ db: Database) throws -> [(Int64, [UInt8])] {
        try Row.fetchAll(db, sql: "SELECT idx, hash FROM merkle_hashes WHERE tree = ? ORDER BY idx", arguments: [tree.rawValue])
            .map { ($0["idx"] as Int64, [UInt8]($0["hash"] as Data)) }
    }

    @Test("appending 300 leaves one by one stores what the compact range produces, index by index")
    func appends() async throws {
        let box = try Sandbox()
        let expected: [[UInt8]] = {
            var reference = CompactRange()
            return Self.leaves.flatMap { reference.append($0) }
        }()
        try await box.store.pool.write { db in
            var range = CompactRange()
            for leaf in Self.leaves { try TreeHashes.append(.auditLog, leafHash: leaf, to: &range, db) }
            let stored = try Self.stored(.auditLog, db)
            #expect(stored.map(\.0) == (0..<Int64(expected.count)).map { $0 })
            #expect(stored.map(\.1) == expected)
            #expect(try Self.stored(.consentLedger, db).isEmpty)
        }
    }

    @Test("a whole tree at once", arguments: [1, 2, 17, 599])
    func storeAll(count: Int) async throws {
        let box = try Sandbox()
        let hashes = (0..<count).map { Digest.sha256(Array("hash \($0)".utf8)) }
        try await box.store.pool.write { db in
            try TreeHashes.storeAll(.consentLedger, hashes, db)
            let stored = try Self.stored(.consentLedger, db)
            #expect(stored.map(\.0) == (0..<Int64(count)).map { $0 })
            #expect(stored.map(\.1) == hashes)
        }
    }
}

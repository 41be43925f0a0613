import Foundation
import Vault

/// The hash chain shared by the consent ledger and the audit log.
enum HashChain {
    /// The `prev_hash` of the first entry.
    static let genesis = Data(repeating: 0, count: Digest.byteCount)

    static func contentHash(_ canonical: String) -> Data {
        Data(Digest.blake2b(canonical))
    }

    /// BLAKE2b(prev ‖ seq as 8 bytes big-endian ‖ content hash).
    static func entryHash(prev: Data, seq: Int64, content: Data) -> Data {
        var input = [UInt8](prev)
        withUnsafeBytes(of: seq.bigEndian) { input.append(contentsOf: $0) }
        input.append(contentsOf: content)
        return Data(Digest.blake2b(input))
    }
}

/// The result of walking a hash chain.
public struct ChainReport: Sendable, Codable, Equatable {
    public var chain: String
    public var entries: Int
    public var redacted: Int
    /// The first entry that does not verify, and why.
    public var firstBad: BadEntry?

    public struct BadEntry: Sendable, Codable, Equatable {
        public var seq: Int64
        public var problem: String
    }

    public var ok: Bool { firstBad == nil }
}

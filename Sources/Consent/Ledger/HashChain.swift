import Foundation
import Vault

/// The hash chain shared by the consent ledger and the audit log.
enum HashChain {
    /// The `prev_hash` of the first entry.
    static let genesis = Data(repeating: 0, count: Digest.byteCount)

    static func contentHash(_ canonical: String) -> Data {
        Data(Digest.blake2b(canonical))
    }

    /// As above, for a canonical text already written as UTF-8.
    static func contentHash(_ canonical: [UInt8]) -> Data {
        Digest.blake2bData(canonical)
    }

    /// BLAKE2b(prev ‖ seq as 8 bytes big-endian ‖ content hash).
    static func entryHash(prev: Data, seq: Int64, content: Data) -> Data {
        var input = [UInt8]()
        input.reserveCapacity(prev.count + 8 + content.count)
        input.append(contentsOf: prev)
        withUnsafeBytes(of: seq.bigEndian) { input.append(contentsOf: $0) }
        input.append(contentsOf: content)
        return Digest.blake2bData(input)
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

    enum CodingKeys: String, CodingKey {
        case chain, entries, redacted, ok, firstBad = "first_bad"
    }

    public init(chain: String, entries: Int, redacted: Int, firstBad: BadEntry?) {
        self.chain = chain
        self.entries = entries
        self.redacted = redacted
        self.firstBad = firstBad
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chain = try c.decode(String.self, forKey: .chain)
        entries = try c.decode(Int.self, forKey: .entries)
        redacted = try c.decode(Int.self, forKey: .redacted)
        firstBad = try c.decodeIfPresent(BadEntry.self, forKey: .firstBad)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chain, forKey: .chain)
        try c.encode(entries, forKey: .entries)
        try c.encode(redacted, forKey: .redacted)
        try c.encode(ok, forKey: .ok)
        try c.encode(firstBad, forKey: .firstBad)  // null when the chain verifies
    }
}

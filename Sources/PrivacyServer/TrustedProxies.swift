import Foundation

/// The reverse proxies whose `X-Forwarded-For` the server believes: addresses or CIDR ranges
/// (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`). A peer outside the list is the client itself,
/// whatever header it sends, so nobody can choose the address the rate limit and the ledger see.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        var bytes: [UInt8]
        var bits: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = bits
            for i in bytes.indices where left > 0 {
                let n = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - n))
                if address[i] & mask != bytes[i] & mask { return false }
                left -= n
            }
            return true
        }
    }

    let ranges: [Range]

    /// Loopback only (`127.0.0.0/8`, `::1`): what a bare `--trust-proxy` means (a proxy on the same machine).
    public static let loopback = try! TrustedProxies(["127.0.0.0/8", "::1"])

    /// Parses each entry; throws a message naming the first entry that is not an address or range.
    public init(_ entries: [String]) throws {
        ranges = try entries.map { entry in
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let bytes = Self.bytes(String(parts[0])) else {
                throw TrustedProxiesError(entry: entry)
            }
            var bits = bytes.count * 8
            if parts.count == 2 {
                guard let b = Int(parts[1]), (0...bytes.count * 8).contains(b) else { throw TrustedProxiesError(entry: entry) }
                bits = b
            }
            return Range(bytes: bytes, bits: bits)
        }
    }

    /// `true` when `address` (text) lies in one of the ranges. IPv4-mapped IPv6 counts as IPv4.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The address as 4 or 16 bytes; `::ffff:a.b.c.d` as its 4 IPv4 bytes.
    static func bytes(_ text: String) -> [UInt8]? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Array(bytes[12...]) }
        return bytes
    }
}

public struct TrustedProxiesError: Error, CustomStringConvertible {
    public let entry: String
    public var description: String {
        "'\(entry)' is not an IP address or CIDR range (examples: 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)"
    }
}

import Foundation

/// Truncates an IP address before anything stores or logs it: IPv4 to its /24, IPv6 to its /48
/// (a 6to4 address to its /40, which holds the /24 of its embedded IPv4 address); an IPv4-mapped
/// IPv6 address (`::ffff:a.b.c.d`) is treated as the IPv4 address it is.
/// The full address never reaches disk or a log.
public enum IPPrefix {
    /// `203.0.113.77` → `203.0.113.0`; `2001:db8:abcd:12::1` → `2001:db8:abcd::`;
    /// `::ffff:203.0.113.77` → `203.0.113.0`; `2002:cb00:714d::1` → `2002:cb00:7100::`. `nil` for text that is not an address.
    public static func truncate(_ address: String) -> String? {
        var text = address
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }  // zone id
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { truncate(ipv4: $0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { truncate(ipv6: $0) }
    }

    /// As ``truncate(_:)`` for the 4 bytes of an IPv4 address in network order (a socket's peer,
    /// without writing it out as text and reading it back first).
    public static func truncate(ipv4 b: UnsafeRawBufferPointer) -> String {
        precondition(b.count == 4)
        // At most "255.255.255.0": three numbers and the dots, written byte by byte.
        return String(unsafeUninitializedCapacity: 13) { out in
            var at = 0
            for i in 0..<3 {
                let n = b[i]
                if n >= 100 { out[at] = UInt8(ascii: "0") + n / 100; at += 1 }
                if n >= 10 { out[at] = UInt8(ascii: "0") + n / 10 % 10; at += 1 }
                out[at] = UInt8(ascii: "0") + n % 10
                out[at + 1] = UInt8(ascii: ".")
                at += 2
            }
            out[at] = UInt8(ascii: "0")
            return at + 1
        }
    }

    /// As ``truncate(_:)`` for the 16 bytes of an IPv6 address in network order.
    public static func truncate(ipv6 raw: UnsafeRawBufferPointer) -> String? {
        precondition(raw.count == 16)
        if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xff && raw[11] == 0xff {
            return truncate(ipv4: UnsafeRawBufferPointer(rebasing: raw[12..<16]))
        }
        var bytes = Array(raw)
        // 6to4 (2002::/16, RFC 3056) carries the whole IPv4 address in bits 16–47, so its /48 would
        // keep it: truncate the embedded IPv4 to its /24 as well. (Teredo, 2001::/32, keeps the
        // client's address in the last 64 bits and only the Teredo server's in the /48: the /48 is
        // enough there; NAT64 64:ff9b::/96 likewise keeps the IPv4 in the dropped bits.)
        let keep = bytes[0] == 0x20 && bytes[1] == 0x02 ? 5 : 6
        for i in keep..<16 { bytes[i] = 0 }
        var out = in6_addr()
        withUnsafeMutableBytes(of: &out) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &out, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(cString: buffer)
    }
}

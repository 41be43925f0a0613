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
            return truncateV4(withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        var bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return truncateV4(Array(bytes[12..<16]))
        }
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

    private static func truncateV4(_ b: [UInt8]) -> String {
        "\(b[0]).\(b[1]).\(b[2]).0"
    }
}

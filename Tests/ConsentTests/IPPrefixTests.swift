import Foundation
import Testing
@testable import Consent

@Suite("IP prefixes")
struct IPPrefixTests {
    @Test("addresses are truncated: IPv4 to /24, IPv6 to /48", arguments: [
        ("203.0.113.77", "203.0.113.0"),
        ("10.0.0.1", "10.0.0.0"),
        ("255.255.255.255", "255.255.255.0"),
        ("0.0.0.0", "0.0.0.0"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::"),
        ("2001:0db8:abcd:0012:0000:0000:0000:0001", "2001:db8:abcd::"),
        ("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff", "2001:db8:abcd::"),
        ("2001:db8:ab::1", "2001:db8:ab::"),
        ("2a02:8108:1234:5678:9abc:def0:1234:5678", "2a02:8108:1234::"),
        ("::1", "::"),
        ("::", "::"),
        ("::ffff:203.0.113.77", "203.0.113.0"),
        ("::FFFF:203.0.113.77", "203.0.113.0"),
        ("0:0:0:0:0:ffff:c000:0221", "192.0.2.0"),
        ("fe80::1%eth0", "fe80::"),
        ("fe80::abcd:1234%en0", "fe80::"),
        ("::ffff:198.51.100.9%lo", "198.51.100.0"),
        // 6to4: the embedded IPv4 (203.0.113.77 = cb00:714d) is cut to its /24 too.
        ("2002:cb00:714d::1", "2002:cb00:7100::"),
        ("2002:cb00:714d:1234:5678::9", "2002:cb00:7100::"),
        ("2002:c000:0221:ffff::", "2002:c000:200::"),
        // Teredo: the /48 holds only (half) the Teredo server's address, never the client's.
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:4136::"),
    ])
    func truncated(address: String, prefix: String) {
        #expect(IPPrefix.truncate(address) == prefix)
    }

    @Test("garbage is nil", arguments: [
        "", " ", "not an ip", "256.1.1.1", "1.2.3", "1.2.3.4.5", "203.0.113.77/24", " 203.0.113.77", "203.0.113.77 ",
        "2001:db8::g", "2001:db8:::1", "1::2::3", "%eth0", "::ffff:300.1.1.1", "[::1]", "203.0.113.77:8080", "localhost", "0x7f000001",
    ])
    func garbage(address: String) {
        #expect(IPPrefix.truncate(address) == nil)
    }

    @Test("the result is itself an address that truncates to itself")
    func idempotent() throws {
        for address in ["203.0.113.77", "2001:db8:abcd:12::1", "::ffff:203.0.113.77"] {
            let once = try #require(IPPrefix.truncate(address))
            #expect(IPPrefix.truncate(once) == once)
        }
    }

    @Test("from an address's bytes as from its text: 3 000 random IPv4, IPv6, IPv4-mapped and 6to4 addresses")
    func bytesAsText() {
        var generator = SeededRandom(seed: "addresses")
        for i in 0..<3_000 {
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if i % 4 == 0 {
                var v4 = in_addr()
                withUnsafeMutableBytes(of: &v4) { $0.copyBytes(from: bytes[0..<4]) }
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                inet_ntop(AF_INET, &v4, &text, socklen_t(text.count))
                let fromBytes = bytes.prefix(4).withUnsafeBytes { IPPrefix.truncate(ipv4: $0) }
                #expect(fromBytes == IPPrefix.truncate(String(cString: text)))
                continue
            }
            if i % 4 == 1 { for j in 0..<10 { bytes[j] = 0 }; bytes[10] = 0xff; bytes[11] = 0xff }   // ::ffff:a.b.c.d
            if i % 4 == 2 { bytes[0] = 0x20; bytes[1] = 0x02 }                                        // 2002::/16
            var v6 = in6_addr()
            withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count))
            let fromBytes = bytes.withUnsafeBytes { IPPrefix.truncate(ipv6: $0) }
            #expect(fromBytes == IPPrefix.truncate(String(cString: text)), "\(String(cString: text))")
        }
    }
}

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
}

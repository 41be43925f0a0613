import NIOCore
@testable import PrivacyServer
import Consent
import Testing

@Suite("Client address")
struct ClientAddressTests {
    @Test("the peer's prefix is taken from the socket address's bytes, as from its text", arguments: [
        "203.0.113.77", "10.0.0.1", "255.255.255.255", "0.0.0.0", "127.0.0.1",
        "2001:db8:abcd:12::1", "::1", "::", "::ffff:203.0.113.77", "2002:cb00:714d::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ])
    func socketPrefix(_ address: String) throws {
        let peer = try SocketAddress(ipAddress: address, port: 443)
        #expect(ClientAddress.prefix(of: peer) == IPPrefix.truncate(address))
        #expect(ClientAddress.prefix(of: peer) != nil)
    }

    @Test("a Unix socket peer has no prefix")
    func unixSocket() throws {
        #expect(ClientAddress.prefix(of: try SocketAddress(unixDomainSocketPath: "/tmp/privacy.sock")) == nil)
    }
}

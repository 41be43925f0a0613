import Foundation
import HTTPTypes
import Consent
import Hummingbird
import NIOCore

/// Finds the client's address and truncates it at once (IPv4 /24, IPv6 /48): the full address is
/// never stored, logged or kept in memory beyond this call.
struct ClientAddress: Sendable {
    /// The reverse proxies whose `X-Forwarded-For` is believed; `nil`: the header is ignored.
    let trustedProxies: TrustedProxies?

    init(trustedProxies: TrustedProxies?) { self.trustedProxies = trustedProxies }

    /// Only a peer that is a trusted proxy may name the client: then the client is the right-most
    /// `X-Forwarded-For` hop that is not itself a trusted proxy (each proxy appends the address it
    /// saw; hops further left were written by the client and prove nothing).
    func prefix(_ request: Request, _ context: PrivacyRequestContext) -> String? {
        if let trusted = trustedProxies, let peer = context.remoteAddress?.ipAddress, trusted.contains(peer),
           let forwarded = request.headers[Self.forwardedFor] {
            let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let client = hops.reversed().first(where: { !trusted.contains($0) }) {
                return IPPrefix.truncate(client)
            }
        }
        return context.remoteAddress.flatMap(Self.prefix(of:))
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The peer's prefix from the socket address's bytes (not from its text: `ipAddress` writes it
    /// out with `inet_ntop` and `IPPrefix.truncate` would read it back with `inet_pton`).
    static func prefix(of peer: SocketAddress) -> String? {
        switch peer {
        case .v4(let address):
            var raw = address.address.sin_addr
            return withUnsafeBytes(of: &raw) { IPPrefix.truncate(ipv4: $0) }
        case .v6(let address):
            var raw = address.address.sin6_addr
            return withUnsafeBytes(of: &raw) { IPPrefix.truncate(ipv6: $0) }
        case .unixDomainSocket:
            return nil
        }
    }
}

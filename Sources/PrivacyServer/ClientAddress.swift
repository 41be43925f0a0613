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
        let peer = context.remoteAddress?.ipAddress
        if let trusted = trustedProxies, let peer, trusted.contains(peer),
           let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let client = hops.reversed().first(where: { !trusted.contains($0) }) {
                return IPPrefix.truncate(client)
            }
        }
        return peer.flatMap(IPPrefix.truncate)
    }
}

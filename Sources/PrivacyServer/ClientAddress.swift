import Foundation
import HTTPTypes
import Consent
import Hummingbird
import NIOCore

/// Finds the client's address and truncates it at once (IPv4 /24, IPv6 /48): the full address is
/// never stored, logged or kept in memory beyond this call.
struct ClientAddress: Sendable {
    /// Behind a reverse proxy the peer is the proxy; then the last `X-Forwarded-For` hop is the client.
    let trustProxy: Bool

    func prefix(_ request: Request, _ context: PrivacyRequestContext) -> String? {
        if trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last {
            return IPPrefix.truncate(last.trimmingCharacters(in: .whitespaces))
        }
        return context.remoteAddress?.ipAddress.flatMap(IPPrefix.truncate)
    }
}

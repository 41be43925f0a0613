import Hummingbird
import NIOCore

/// The request context: Hummingbird's core plus the peer address (only ever used truncated).
public struct PrivacyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer. Never stored or logged whole: see `IPPrefix`.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are collected up to the documented limit; more is a 413 (see ``ServerConfiguration/maxBodyBytes``).
    public var maxUploadSize: Int { ServerConfiguration.maxBodyBytesLimit }

    /// Handlers return `ResponseEncodable` values; this turns them into the API's JSON.
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
}

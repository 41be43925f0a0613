/// How `privacyctl serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Requests per minute per truncated client IP on the public routes; `nil` turns the limit off.
    public var rateLimitPerMinute: Int?
    /// Take the client address from `X-Forwarded-For` when the peer is a trusted proxy (behind a
    /// reverse proxy only). With `trustProxy` and no `trustedProxies`: loopback proxies only.
    public var trustProxy: Bool
    /// The addresses or CIDR ranges of the trusted reverse proxies (`--trusted-proxy`).
    public var trustedProxies: [String] = []
    /// A request (headers and body) must arrive within this many seconds of its first byte (408).
    public var requestTimeoutSeconds: Double = 10
    /// An idle keep-alive connection (or one that never sends a byte) is closed after this long.
    public var idleTimeoutSeconds: Double = 60
    /// Above this many open connections a request is answered 503 `server_busy`; above
    /// ``hardConnectionCap`` the server stops accepting (more wait in the kernel's accept queue).
    public var maxConnections: Int = 512
    /// How often the retention purge runs inside the server; `nil` turns the schedule off.
    public var purgeIntervalSeconds: Double?
    /// Origins allowed to call the API from a browser (CORS), e.g. `https://www.example.org`.
    public var allowedOrigins: [String]

    /// The request body limit: 64 KiB.
    public static let maxBodyBytesLimit = 64 * 1024

    public init(host: String = "127.0.0.1", port: Int = 8080, rateLimitPerMinute: Int? = 600, trustProxy: Bool = false,
                purgeIntervalSeconds: Double? = 86_400, allowedOrigins: [String] = []) {
        self.host = host
        self.port = port
        self.rateLimitPerMinute = rateLimitPerMinute
        self.trustProxy = trustProxy
        self.purgeIntervalSeconds = purgeIntervalSeconds
        self.allowedOrigins = allowedOrigins
    }
}

extension ServerConfiguration {
    /// The proxies to believe, or `nil` when `X-Forwarded-For` is ignored. Entries are checked by
    /// `privacyctl serve` before this is called, so a bad entry cannot reach here.
    var proxies: TrustedProxies? {
        if !trustedProxies.isEmpty { return try? TrustedProxies(trustedProxies) }
        return trustProxy ? .loopback : nil
    }
}

extension ServerConfiguration {
    /// Where the server stops accepting: an eighth above `maxConnections` (at least 16 more), so
    /// that a client over the limit can still be told 503 instead of waiting unanswered.
    var hardConnectionCap: Int { maxConnections + max(16, maxConnections / 8) }
}

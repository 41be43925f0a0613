/// How `privacyctl serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Requests per minute per truncated client IP on the public routes; `nil` turns the limit off.
    public var rateLimitPerMinute: Int?
    /// Take the client address from the last `X-Forwarded-For` hop (behind a reverse proxy only).
    public var trustProxy: Bool
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

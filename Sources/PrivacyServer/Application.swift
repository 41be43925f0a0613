import Consent
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Assembles the website's HTTP API from the router, the middlewares and the purge schedule.
///
/// The handlers are thin: decode, call one domain function of `Consent`, encode.
public func buildApplication(engine: Engine, configuration: ServerConfiguration, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = buildRouter(engine: engine, configuration: configuration)
    let connections = ConnectionCounter()
    var services: [any ServiceLifecycle.Service] = []
    if let interval = configuration.purgeIntervalSeconds {
        services.append(PurgeScheduler(engine: engine, intervalSeconds: interval, logger: logger))
    }
    return Application(
        responder: HeadAsGetResponder(base: CanonicalPathResponder(base: router.buildResponder())),
        server: .http1(configuration: .init(additionalChannelHandlers: [
            MalformedHTTPHandler(),
            ConnectionTimeoutHandler(requestTimeout: .nanoseconds(Int64(configuration.requestTimeoutSeconds * 1e9)),
                                     idleTimeout: .nanoseconds(Int64(configuration.idleTimeoutSeconds * 1e9)),
                                     counter: connections, softLimit: configuration.maxConnections),
        ])),
        // Above maxConnections a request is answered 503 server_busy; above the hard cap a little
        // higher the server stops accepting (new connections wait in the kernel's queue).
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "privacy-engine",
                             availableConnectionsDelegate: MaximumAvailableConnections(configuration.hardConnectionCap, logger: logger)),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router alone (tests drive it in process; `privacyctl serve` wraps it in ``buildApplication``).
func buildRouter(engine: Engine, configuration: ServerConfiguration) -> Router<PrivacyRequestContext> {
    let router = Router(context: PrivacyRequestContext.self)
    let clientAddress = ClientAddress(trustedProxies: configuration.proxies)
    router.add(middleware: ResponseHeadersMiddleware(allowedOrigins: Set(configuration.allowedOrigins)))
    router.add(middleware: ErrorEnvelopeMiddleware(routes: PublicRoutes.table))
    router.add(middleware: CanonicalPathMiddleware())
    if let limit = configuration.rateLimitPerMinute {
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(perMinute: limit), clientAddress: clientAddress))
    }
    HealthRoutes(engine: engine).register(on: router)
    SiteRoutes().register(on: router)
    ConfigRoutes(engine: engine).register(on: router)
    ConsentRoutes(engine: engine, clientAddress: clientAddress).register(on: router)
    ContactRoutes(engine: engine).register(on: router)
    ReceiptRoutes(engine: engine).register(on: router)
    PrivacyNoticeRoutes(engine: engine).register(on: router)
    return router
}

/// The public routes, as `openapi.yaml` documents them (a test keeps the two in step).
public enum PublicRoutes {
    public static let list: [(method: String, path: String)] = [
        ("GET", "/healthz"),
        ("GET", "/v1/config"),
        ("POST", "/v1/consents"),
        ("GET", "/v1/consents/{consent_id}"),
        ("DELETE", "/v1/consents/{consent_id}"),
        ("GET", "/v1/consents/{consent_id}/receipt"),
        ("POST", "/v1/contact-requests"),
        ("GET", "/"),
        ("GET", "/consent.js"),
        ("GET", "/site.js"),
        ("GET", "/site.css"),
        ("GET", "/datenschutz"),
        ("GET", "/privacy"),
    ]

    static var table: [(pattern: [Substring], methods: [HTTPRequest.Method])] {
        var grouped: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for (method, path) in list {
            if grouped[path] == nil { order.append(path) }
            grouped[path, default: []].append(HTTPRequest.Method(rawValue: method)!)
        }
        return order.map { path in
            let pattern = path.split(separator: "/").map { $0.hasPrefix("{") ? Substring("*") : $0 }
            return (pattern, grouped[path]!)
        }
    }
}

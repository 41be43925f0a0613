import Consent
import Hummingbird
import Logging
import ServiceLifecycle

/// Assembles the website's HTTP API from the router, the middlewares and the purge schedule.
///
/// The handlers are thin: decode, call one domain function of `Consent`, encode.
public func buildApplication(engine: Engine, configuration: ServerConfiguration, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = buildRouter(engine: engine, configuration: configuration)
    var services: [any ServiceLifecycle.Service] = []
    if let interval = configuration.purgeIntervalSeconds {
        services.append(PurgeScheduler(engine: engine, intervalSeconds: interval, logger: logger))
    }
    return Application(
        responder: HeadAsGetResponder(base: router.buildResponder()),
        server: .http1(configuration: .init(additionalChannelHandlers: [MalformedHTTPHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "privacy-engine"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router alone (tests drive it in process; `privacyctl serve` wraps it in ``buildApplication``).
func buildRouter(engine: Engine, configuration: ServerConfiguration) -> Router<PrivacyRequestContext> {
    let router = Router(context: PrivacyRequestContext.self)
    let clientAddress = ClientAddress(trustProxy: configuration.trustProxy)
    router.add(middleware: ResponseHeadersMiddleware(allowedOrigins: Set(configuration.allowedOrigins)))
    router.add(middleware: ErrorEnvelopeMiddleware(routes: PublicRoutes.table))
    if let limit = configuration.rateLimitPerMinute {
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(perMinute: limit), clientAddress: clientAddress))
    }
    SiteRoutes(engine: engine).register(on: router)
    ConfigRoutes(engine: engine).register(on: router)
    ConsentRoutes(engine: engine, clientAddress: clientAddress).register(on: router)
    ContactRoutes(engine: engine).register(on: router)
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

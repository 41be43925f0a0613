import Consent
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Assembles the website's HTTP API from the router, the middlewares and the purge schedule.
///
/// The handlers are thin: decode, call one domain function of `Consent`, encode.
public func buildApplication(services: WebFacingServices, configuration: ServerConfiguration, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = buildRouter(services: services, configuration: configuration)
    var logger = logger
    logger.handler = DeferredMetadataLogHandler(base: logger.handler)
    let connections = ConnectionCounter()
    var background: [any ServiceLifecycle.Service] = []
    if let interval = configuration.purgeIntervalSeconds {
        background.append(PurgeScheduler(services: services, intervalSeconds: interval, logger: logger))
    }
    return Application(
        responder: CanonicalPathResponder(base: router.buildResponder()),
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
        services: background,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router alone (tests drive it in process; `privacyctl serve` wraps it in ``buildApplication``).
/// HEAD is answered for every GET route by Hummingbird (`autoGenerateHeadEndpoints`).
func buildRouter(services: WebFacingServices, configuration: ServerConfiguration) -> Router<PrivacyRequestContext> {
    let router = Router(context: PrivacyRequestContext.self, options: .autoGenerateHeadEndpoints)
    let clientAddress = ClientAddress(trustedProxies: configuration.proxies)
    let routeMethods = RouteMethods()
    router.add(middleware: SecurityHeadersMiddleware())
    if !configuration.allowedOrigins.isEmpty {
        router.add(middleware: AllowedOriginsMiddleware(origins: Set(configuration.allowedOrigins)))
    }
    router.add(middleware: ErrorEnvelopeMiddleware(routes: routeMethods))
    router.add(middleware: CanonicalPathMiddleware())
    if let limit = configuration.rateLimitPerMinute {
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(perMinute: limit), clientAddress: clientAddress))
    }
    let sealing = SealingHealth()
    HealthRoutes(services: services, sealing: sealing).register(on: router)
    SiteRoutes().register(on: router)
    ConfigRoutes(services: services).register(on: router)
    ConsentRoutes(services: services, clientAddress: clientAddress).register(on: router)
    ContactRoutes(services: services, sealing: sealing).register(on: router)
    ReceiptRoutes(services: services).register(on: router)
    PrivacyNoticeRoutes(services: services).register(on: router)
    routeMethods.fill(from: router)
    return router
}

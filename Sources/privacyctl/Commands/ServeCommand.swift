import ArgumentParser
import Consent
import Foundation
import Hummingbird
import Logging
import PrivacyServer
import Vault

/// `privacyctl serve`: the website's HTTP API. Holds the public key only: it seals, never opens.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API for the website (consents, contact requests, banner script).",
        discussion: """
            Needs only vault.pub: the server can seal contact requests but never read one back. Writes are group-committed: a 2xx answer means the record is on disk. The retention purge runs inside the server once a day (see --purge-interval).

            At start the server keeps the complete texts of the policy version in the database (once per version); it refuses to start (exit 2) when the policy's texts differ from those kept for the same policy_version: bump policy_version after changing a text.

            SIGTERM or SIGINT stops it cleanly: requests in flight are answered, then it exits 0.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one and prints it).") var port = 8080
    @Flag(name: .customLong("no-rate-limit"), help: "Turn the per-IP rate limit off (tests, benchmarks).") var noRateLimit = false
    @Option(name: .customLong("rate-limit"), help: "Requests per minute per truncated client IP on /v1/ routes.") var rateLimit = 600
    @Flag(name: .customLong("trust-proxy"), help: "Take the client address from X-Forwarded-For when the peer is a proxy on this machine (loopback); see --trusted-proxy.") var trustProxy = false
    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp("A reverse proxy whose X-Forwarded-For is believed: an address or CIDR range (10.0.0.5, 10.0.0.0/8, ::1); repeatable, implies --trust-proxy.", valueName: "ADDR"))
    var trustedProxy: [String] = []
    @Option(name: .customLong("request-timeout"), help: "Seconds a request (headers and body) may take to arrive from its first byte; then 408.") var requestTimeout = 10.0
    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open.") var idleTimeout = 60.0
    @Option(name: .customLong("max-connections"), help: "Open connections before a request is answered 503 server_busy (the server stops accepting an eighth above).") var maxConnections = 512
    @Option(name: .customLong("busy-timeout"), help: "Seconds a write waits for another process's database lock before answering 503 database_busy.") var busyTimeout = PrivacyDatabase.defaultBusyTimeout
    @Option(name: .customLong("purge-interval"), help: "How often to run the retention purge: an ISO-8601 duration (P1D, PT6H) or seconds; 'off' to disable.")
    var purgeInterval = "P1D"
    @Option(name: .customLong("allow-origin"), help: "A website origin allowed to call the API from the browser (CORS); repeatable.")
    var allowOrigin: [String] = []
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive (use --no-rate-limit to turn it off)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        _ = try purgeSeconds()
        do { _ = try TrustedProxies(trustedProxy) } catch { throw ValidationError("--trusted-proxy: \(error)") }
        for (name, value) in [("--request-timeout", requestTimeout), ("--idle-timeout", idleTimeout), ("--busy-timeout", busyTimeout)] {
            guard value > 0, value <= 3600 else { throw ValidationError("\(name) must be between 0 and 3600 seconds (more than 0)") }
        }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 100000") }
    }

    func purgeSeconds() throws -> Double? {
        if purgeInterval == "off" { return nil }
        if let seconds = Double(purgeInterval), seconds > 0 { return seconds }
        guard let d = ISODuration(purgeInterval) else {
            throw ValidationError("--purge-interval must be an ISO-8601 duration such as P1D or PT6H, a number of seconds, or 'off'")
        }
        let seconds = Double(((d.years * 365 + d.months * 30 + d.weeks * 7 + d.days) * 24 + d.hours) * 3600 + d.minutes * 60 + d.seconds)
        guard seconds > 0 else { throw ValidationError("--purge-interval must be longer than zero") }
        return seconds
    }

    func run() async throws {
        let logger = {
            var logger = Logger(label: "privacy-engine")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return logger
        }()
        let policy = try global.loadPolicy()
        let store = try global.openStore(busyTimeout: busyTimeout)
        // Seal only to a vault.pub the DPO pinned (signed with audit.key; checked with audit.pub).
        let keyDirectory = global.keyDirectory
        let verifier: NoteVerifier
        do {
            verifier = try keyDirectory.loadAuditVerifier()
        } catch VaultError.keyFileMissing(let path) {
            throw CommandFailure(.integrity, "\(path) is missing, so vault.pub cannot be checked against its pin; run `privacyctl keys init` (it keeps the vault pair) to add audit.key and audit.pub and pin vault.pub")
        } catch {
            throw CommandFailure(.integrity, "cannot check the pin of vault.pub: \(error)")
        }
        let pins = VaultKeyPins(store: store)
        let keys = try SealingKeys(keys: keyDirectory, isPinned: { key in (try? pins.isPinned(key, verifier: verifier)) ?? false }, logger: logger)
        if let refusal = keys.refusal {
            throw CommandFailure(.integrity, "\(refusal); refusing to start")
        }
        let clock = try global.clock()
        // Before answering anything: keep this version's texts, or refuse texts that differ from
        // those kept for the same policy_version (exit 2; see docs/texts.md).
        let kept = try await PolicyTextArchive(store: store).keep(policy, at: clock.now())
        if !kept.keptNow.isEmpty {
            logger.notice("policy texts kept", metadata: ["policy_version": "\(policy.version)", "languages": "\(kept.keptNow.joined(separator: ","))"])
        }
        let services = WebFacingServices(store: store, policy: policy, clock: clock, keys: keys,
                            tombstones: global.tombstoneLog)
        var configuration = ServerConfiguration(
            host: host, port: port, rateLimitPerMinute: noRateLimit ? nil : rateLimit, trustProxy: trustProxy || !trustedProxy.isEmpty,
            purgeIntervalSeconds: try purgeSeconds(), allowedOrigins: allowOrigin)
        configuration.trustedProxies = trustedProxy
        configuration.requestTimeoutSeconds = requestTimeout
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.maxConnections = maxConnections
        let app = buildApplication(services: services, configuration: configuration, logger: logger) { [configuration] port in
            logger.notice("listening", metadata: ["address": "http://\(configuration.host):\(port)", "policy_version": "\(policy.version)"])
        }
        // SIGTERM and SIGINT start a graceful shutdown: no new connections, requests in flight are
        // answered (each 2xx committed), then the process exits 0.
        try await app.runService()
        logger.notice("stopped cleanly: every acknowledged write is committed")
    }
}

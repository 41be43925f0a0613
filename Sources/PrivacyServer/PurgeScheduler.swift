import Consent
import Logging
import ServiceLifecycle

/// Runs the retention purge inside the server on a schedule (daily by default), so that nothing
/// depends on someone remembering: the first run at start-up, then one every interval. After each
/// purge both hash chains are verified. A failure of either is logged at error level and shown by
/// `/healthz` (`"status": "degraded"`) until a later run succeeds.
struct PurgeScheduler: ServiceLifecycle.Service, CustomStringConvertible {
    let services: WebFacingServices
    let intervalSeconds: Double
    let logger: Logger

    /// What ServiceLifecycle logs for this service (not everything it holds).
    var description: String { "PurgeScheduler(every \(Int(intervalSeconds)) s)" }

    /// One purge and one chain check, each recorded in ``ServiceHealth``.
    func runOnce() async {
        do {
            let report = try await Retention(store: services.store, policy: services.policy, clock: services.clock, actor: "server",
                                        tombstones: services.tombstones)
                .run(dryRun: false)
            let done = report.rules.reduce(0) { $0 + $1.done }
            let held = report.rules.reduce(0) { $0 + $1.held.values.reduce(0, +) }
            if report.walTruncated {
                services.purgeHealth.purge(failedAt: nil)
            } else {
                services.purgeHealth.purge(failedAt: services.clock.now(), "the WAL could not be emptied after deleting")
            }
            logger.info("scheduled purge done", metadata: ["records": "\(done)", "held": "\(held)"])
        } catch {
            // The message names rules, counts and instants only; the domain puts no personal data in errors.
            services.purgeHealth.purge(failedAt: services.clock.now(), "\(error)")
            logger.error("scheduled purge failed", metadata: ["error_type": "\(type(of: error))", "error": "\(error)"])
        }
        do {
            let broken = try await ChainCheck.run(services.store).filter { !$0.ok }
            if let chain = broken.first, let bad = chain.firstBad {
                services.purgeHealth.audit(failedAt: services.clock.now(), "\(chain.chain) broken at entry \(bad.seq)")
                logger.error("audit verify failed", metadata: ["chain": "\(chain.chain)", "entry": "\(bad.seq)", "problem": "\(bad.problem)"])
            } else {
                services.purgeHealth.audit(failedAt: nil)
            }
        } catch {
            services.purgeHealth.audit(failedAt: services.clock.now(), "\(error)")
            logger.error("audit verify failed", metadata: ["error_type": "\(type(of: error))"])
        }
    }

    /// Returns (does not throw) when the server stops: a stop is not a failure, and a throwing
    /// service would make `serve` exit 1 with `CancellationError()`.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await runOnce()
                do {
                    try await Task.sleep(nanoseconds: UInt64(intervalSeconds * 1_000_000_000))
                } catch {
                    return  // cancelled: the server is stopping
                }
            }
        }
    }
}

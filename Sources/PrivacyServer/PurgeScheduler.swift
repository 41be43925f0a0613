import Consent
import Logging
import ServiceLifecycle

/// Runs the retention purge inside the server on a schedule (daily by default), so that nothing
/// depends on someone remembering. The first run comes one interval after start.
struct PurgeScheduler: ServiceLifecycle.Service, CustomStringConvertible {
    let engine: Engine
    let intervalSeconds: Double
    let logger: Logger

    /// What ServiceLifecycle logs for this service (not the whole engine).
    var description: String { "PurgeScheduler(every \(Int(intervalSeconds)) s)" }

    /// Returns (does not throw) when the server stops: a stop is not a failure, and a throwing
    /// service would make `serve` exit 1 with `CancellationError()`.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(nanoseconds: UInt64(intervalSeconds * 1_000_000_000))
                } catch {
                    return  // cancelled: the server is stopping
                }
                do {
                    let report = try await Retention(store: engine.store, policy: engine.policy, clock: engine.clock, actor: "server",
                                                tombstones: engine.tombstones)
                        .run(dryRun: false)
                    let done = report.rules.reduce(0) { $0 + $1.done }
                    let held = report.rules.reduce(0) { $0 + $1.held.values.reduce(0, +) }
                    logger.info("scheduled purge done", metadata: ["records": "\(done)", "held": "\(held)"])
                } catch {
                    logger.error("scheduled purge failed", metadata: ["error_type": "\(type(of: error))"])
                }
            }
        }
    }
}

import Consent
import Logging
import ServiceLifecycle

/// Keeps the WAL short from beside the writer: a passive checkpoint every `interval` on a
/// connection of its own (see `WALCheckpointer`), so that no request's batch waits behind one.
/// A failure is logged (without personal data: SQLite's error names no row) and tried again at
/// the next tick; when the server stops, the writer's automatic checkpoint is turned back on.
struct CheckpointService: ServiceLifecycle.Service, CustomStringConvertible {
    let store: PrivacyDatabase
    let interval: Duration
    let logger: Logger

    var description: String { "CheckpointService(every \(interval))" }

    /// Returns (does not throw) when the server stops, as `PurgeScheduler` does.
    func run() async throws {
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try store.makeCheckpointer()
        } catch {
            // The writer keeps checkpointing by itself, as without this service.
            logger.warning("background checkpoints not started; the writer checkpoints itself", metadata: ["error": "\(error)"])
            return
        }
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break  // cancelled: the server is stopping
                }
                do {
                    try await checkpointer.checkpoint()
                    failing = false
                } catch {
                    if !failing { logger.warning("background checkpoint failed", metadata: ["error": "\(error)"]) }
                    failing = true
                }
            }
        }
        do {
            try checkpointer.close()
        } catch {
            logger.warning("background checkpoints not closed cleanly", metadata: ["error": "\(error)"])
        }
    }
}

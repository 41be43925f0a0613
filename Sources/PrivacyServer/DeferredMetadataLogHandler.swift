import Logging

/// Keeps a logger's metadata itself and hands it to the wrapped handler only when a line is
/// written; the lines are the same.
///
/// Ours because Hummingbird sets `hb.request.id` on every request's logger and swift-log's
/// `StreamLogHandler` renders its whole metadata again on every set (≈3 % of `GET /healthz` under
/// load), although almost no request writes a line.
struct DeferredMetadataLogHandler: LogHandler {
    var base: any LogHandler
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        base.log(event: event)
    }
}

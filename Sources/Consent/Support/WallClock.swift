import Foundation

/// Where "now" comes from. Injected everywhere time matters, so tests and drills can fix it.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock stopped at one instant: what `PRIVACY_NOW` selects.
public struct FixedClock: WallClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }

    /// Parses an ISO-8601 instant with an offset or `Z`, with or without fractional seconds.
    public static func parse(_ text: String) -> FixedClock? {
        Timestamp.parse(text).map(FixedClock.init)
    }
}

/// ISO-8601 instants as the engine writes and reads them.
public enum Timestamp {
    /// `2024-12-31T22:59:59.123Z`
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func parse(_ text: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }

    /// Milliseconds since 1970: how instants are stored, exact and ordered.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    public static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

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
    /// `2024-12-31T22:59:59.123Z`: the instant's milliseconds as ``millis(_:)`` stores them, so that a
    /// date and its stored value print alike.
    public static func format(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        if millis >= 0 && millis < Double(lastMillisOf9999) { return format(millis: Int64(millis)) }
        return foundationFormat(date)
    }

    /// Foundation's ISO 8601 format, for the years before 1970 and after 9999. (For the others it
    /// truncates the fraction of the `Double` it is given: 123 ms could print as `.122`.)
    static func foundationFormat(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// As ``format(_:)``, for an instant as stored (milliseconds since 1970): written digit by digit
    /// for the years 1970–9999 (Foundation's formatter, built on every call, was a percent of a
    /// consent request), by Foundation for any other year.
    public static func format(millis: Int64) -> String {
        guard millis >= 0 && millis < lastMillisOf9999 else { return foundationFormat(date(millis: millis)) }
        let (day, timeOfDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let date = CalendarDay(dayNumber: Int(day))
        let (seconds, ms) = timeOfDay.quotientAndRemainder(dividingBy: 1000)
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int64, _ digits: Int, at start: Int) {
                var value = value
                for i in stride(from: start + digits - 1, through: start, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(Int64(date.year), 4, at: 0); out[4] = UInt8(ascii: "-"); put(Int64(date.month), 2, at: 5); out[7] = UInt8(ascii: "-")
            put(Int64(date.day), 2, at: 8); out[10] = UInt8(ascii: "T"); put(seconds / 3600, 2, at: 11); out[13] = UInt8(ascii: ":")
            put(seconds / 60 % 60, 2, at: 14); out[16] = UInt8(ascii: ":"); put(seconds % 60, 2, at: 17)
            out[19] = UInt8(ascii: "."); put(ms, 3, at: 20); out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// 10000-01-01T00:00:00Z in milliseconds since 1970.
    static let lastMillisOf9999: Int64 = 253_402_300_800_000


    public static func parse(_ text: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }

    /// Milliseconds since 1970: how instants are stored, exact and ordered.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    public static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

import Foundation
import Testing
@testable import Consent

@Suite("ISO-8601 durations")
struct ISODurationTests {
    struct Parsed: Sendable, CustomTestStringConvertible {
        var text: String
        var y = 0, mo = 0, w = 0, d = 0, h = 0, mi = 0, s = 0
        var testDescription: String { text }
    }

    @Test("valid durations parse into their components", arguments: [
        Parsed(text: "P6M", mo: 6),
        Parsed(text: "P3Y", y: 3),
        Parsed(text: "P30D", d: 30),
        Parsed(text: "PT12H", h: 12),
        Parsed(text: "P1Y2M3DT4H5M6S", y: 1, mo: 2, d: 3, h: 4, mi: 5, s: 6),
        Parsed(text: "P2W", w: 2),
        Parsed(text: "P0D"),
        Parsed(text: "PT30M", mi: 30),
        Parsed(text: "PT90S", s: 90),
        Parsed(text: "P6Y", y: 6),
    ])
    func valid(_ c: Parsed) throws {
        let d = try #require(ISODuration(c.text))
        let parsed: [Int] = [d.years, d.months, d.weeks, d.days, d.hours, d.minutes, d.seconds]
        let expected: [Int] = [c.y, c.mo, c.w, c.d, c.h, c.mi, c.s]
        #expect(parsed == expected)
        #expect(d.text == c.text)
        #expect(d.description == c.text)
    }

    @Test("malformed durations are refused", arguments: [
        "", "P", "6M", "PT", "P1H", "P-1D", "p6m", "P6m", "P1.5D", "P1DT", "PT1D", "P1Y T1H", " P6M", "P6M ", "PM", "P1234567890D", "T1H", "P1X",
    ])
    func invalid(_ text: String) {
        #expect(ISODuration(text) == nil, "'\(text)' was accepted")
    }

    static let berlin: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Europe/Berlin")!
        return c
    }()

    struct Addition: Sendable, CustomTestStringConvertible {
        var duration: String
        var from: String
        var to: String
        var hours: Double
        var testDescription: String { "\(duration) from \(from)" }
    }

    @Test("addition is calendar arithmetic in Europe/Berlin", arguments: [
        Addition(duration: "P1D", from: "2024-03-30T12:00:00+01:00", to: "2024-03-31T12:00:00+02:00", hours: 23),
        Addition(duration: "P1D", from: "2024-10-26T12:00:00+02:00", to: "2024-10-27T12:00:00+01:00", hours: 25),
        Addition(duration: "PT24H", from: "2024-03-30T12:00:00+01:00", to: "2024-03-31T13:00:00+02:00", hours: 24),
        Addition(duration: "PT24H", from: "2024-10-26T12:00:00+02:00", to: "2024-10-27T11:00:00+01:00", hours: 24),
        Addition(duration: "P1D", from: "2024-06-01T12:00:00+02:00", to: "2024-06-02T12:00:00+02:00", hours: 24),
        Addition(duration: "P1W", from: "2024-10-21T00:00:00+02:00", to: "2024-10-28T00:00:00+01:00", hours: 169),
        Addition(duration: "P1M", from: "2024-01-31T10:00:00+01:00", to: "2024-02-29T10:00:00+01:00", hours: 29 * 24),
        Addition(duration: "P1Y", from: "2024-02-29T10:00:00+01:00", to: "2025-02-28T10:00:00+01:00", hours: 365 * 24),
        Addition(duration: "P6M", from: "2024-06-03T10:00:00+02:00", to: "2024-12-03T10:00:00+01:00", hours: 183 * 24 + 1),
        Addition(duration: "P0D", from: "2025-01-01T00:00:00+01:00", to: "2025-01-01T00:00:00+01:00", hours: 0),
    ])
    func addition(_ c: Addition) throws {
        let d = try #require(ISODuration(c.duration))
        let start = instant(c.from)
        let end = d.added(to: start, in: Self.berlin)
        #expect(end == instant(c.to))
        #expect(end.timeIntervalSince(start) == c.hours * 3600)
        #expect(d.subtracted(from: end, in: Self.berlin) == start || c.duration == "P1M" || c.duration == "P1Y")
    }

    @Test("subtraction across the daylight-saving changes is one calendar day")
    func subtraction() throws {
        let day = try #require(ISODuration("P1D"))
        #expect(day.subtracted(from: instant("2024-03-31T12:00:00+02:00"), in: Self.berlin) == instant("2024-03-30T12:00:00+01:00"))
        #expect(day.subtracted(from: instant("2024-10-27T12:00:00+01:00"), in: Self.berlin) == instant("2024-10-26T12:00:00+02:00"))
    }
}

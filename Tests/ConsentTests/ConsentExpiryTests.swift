import Foundation
import Testing
@testable import Consent

@Suite("Consent expiry")
struct ConsentExpiryTests {
    static func calendar(_ zone: String) throws -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: zone))
        return calendar
    }

    /// Instants walking forward in random steps (as a server's clock does) through 2024–2027, with
    /// fractions of a second, and every instant around each transition: the expiry is the calendar's
    /// to the millisecond that is stored.
    @Test("as Calendar.date(byAdding:) to the millisecond, across time-zone transitions", arguments: [
        ("Europe/Berlin", 365), ("Europe/Berlin", 180), ("America/New_York", 30), ("Australia/Lord_Howe", 365),
        ("Asia/Kolkata", 365), ("UTC", 1), ("Pacific/Chatham", 90),
    ])
    func asTheCalendar(zone: String, days: Int) throws {
        let calendar = try Self.calendar(zone)
        let expiry = ConsentExpiry(calendar: calendar, days: days)
        var generator = SeededRandom(seed: "expiry \(zone) \(days)")
        var now = Date(timeIntervalSince1970: 1_704_067_200)          // 2024-01-01T00:00:00Z
        let end = Date(timeIntervalSince1970: 1_830_297_600)          // 2028-01-01T00:00:00Z
        var checked = 0
        func check(_ instant: Date) {
            let expected = calendar.date(byAdding: .day, value: days, to: instant) ?? instant
            let got = expiry.expiry(after: instant)
            #expect(Timestamp.millis(got) == Timestamp.millis(expected), "\(zone) \(days) d at \(Timestamp.format(instant))")
            checked += 1
        }
        while now < end {
            check(now)
            // Around every transition of now's zone, and of the expiry's (days before the transition).
            if let next = calendar.timeZone.nextDaylightSavingTimeTransition(after: now),
               next.timeIntervalSince(now) < 7_200 {
                for step in stride(from: -2.0, through: 2.0, by: 0.25) { check(next.addingTimeInterval(step)) }
            }
            now = now.addingTimeInterval(Double.random(in: 0.001..<21_600, using: &generator))
        }
        for transition in Self.transitions(calendar.timeZone, from: now.addingTimeInterval(-4 * 365 * 86_400), to: end) {
            let before = calendar.date(byAdding: .day, value: -days, to: transition) ?? transition
            for step in stride(from: -3_600.0, through: 3_600, by: 450.5) { check(before.addingTimeInterval(step)) }
        }
        #expect(checked > 500)
    }

    static func transitions(_ zone: TimeZone, from: Date, to: Date) -> [Date] {
        var out: [Date] = []
        var at = from
        while let next = zone.nextDaylightSavingTimeTransition(after: at), next < to {
            out.append(next)
            at = next
        }
        return out
    }

    @Test("a server's clock walking through an ordinary day asks the calendar once an hour at most")
    func keptBetweenTransitions() throws {
        let expiry = ConsentExpiry(calendar: try Self.calendar("Europe/Berlin"), days: 365)
        let start = Date(timeIntervalSince1970: 1_720_000_000.25)    // July 2024, no transition near
        for second in 0..<7_200 { _ = expiry.expiry(after: start.addingTimeInterval(Double(second))) }
        #expect(expiry.calendarAnswers.load(ordering: .relaxed) <= 3)
    }

    @Test("a clock that goes back is answered by the calendar, not by the stretch kept for a later instant")
    func clockGoingBack() throws {
        let calendar = try Self.calendar("Europe/Berlin")
        let expiry = ConsentExpiry(calendar: calendar, days: 365)
        let late = Date(timeIntervalSince1970: 1_711_846_800)        // 2024-03-31T01:00:00Z, just after the change to summer time
        let early = late.addingTimeInterval(-7_200)
        _ = expiry.expiry(after: late)
        #expect(expiry.expiry(after: early) == calendar.date(byAdding: .day, value: 365, to: early))
    }
}

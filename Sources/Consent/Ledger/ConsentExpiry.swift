import Foundation
import Synchronization

/// When a choice made now expires: the same local time `validDays` days later, in the policy's
/// time zone (a choice made at 14:00 on 1 March expires at 14:00, summer time or not).
///
/// `Calendar.date(byAdding:)` costs about a percent of a consent request, and its answer moves in
/// step with `now` as long as neither `now` nor the expiry crosses a time-zone transition. So the
/// distance from now to the expiry is kept with the stretch of time it holds for, and worked out
/// anew only outside it.
final class ConsentExpiry: Sendable {
    private let calendar: Calendar
    private let days: Int
    /// For `now` in `from..<until`, the expiry is `now + distance`.
    private struct Stretch { var from: Date; var until: Date; var distance: TimeInterval }
    private let stretch = Mutex<Stretch?>(nil)
    /// How many expiries the calendar worked out (the others came from the kept stretch).
    let calendarAnswers = Atomic<Int>(0)

    init(calendar: Calendar, days: Int) {
        self.calendar = calendar
        self.days = days
    }

    func expiry(after now: Date) -> Date {
        if let known = stretch.withLock({ $0 }), now >= known.from, now < known.until {
            return now.addingTimeInterval(known.distance)
        }
        calendarAnswers.add(1, ordering: .relaxed)
        guard let expiry = calendar.date(byAdding: .day, value: days, to: now) else { return now }
        if let found = stretch(from: now, to: expiry, in: calendar.timeZone) { stretch.withLock { $0 = found } }
        return expiry
    }

    /// The stretch after `now` in which neither `now` nor its expiry crosses a transition of `zone`;
    /// `nil` (nothing kept) unless the expiry is `now` moved by whole days and the offsets at both
    /// ends, so that a local time that does not exist or exists twice is always left to the calendar.
    private func stretch(from now: Date, to expiry: Date, in zone: TimeZone) -> Stretch? {
        let distance = expiry.timeIntervalSince(now)
        let offsets = TimeInterval(zone.secondsFromGMT(for: now) - zone.secondsFromGMT(for: expiry))
        guard abs(distance - (TimeInterval(days) * 86_400 + offsets)) < 0.000_5 else { return nil }
        // At most an hour ahead, whatever the zone says: a wrong stretch could not last long.
        var until = now.addingTimeInterval(3_600)
        if let next = zone.nextDaylightSavingTimeTransition(after: now), next < until { until = next }
        if let next = zone.nextDaylightSavingTimeTransition(after: expiry) {
            let last = next.addingTimeInterval(-distance)
            if last < until { until = last }
        }
        return until > now ? Stretch(from: now, until: until, distance: distance) : nil
    }
}

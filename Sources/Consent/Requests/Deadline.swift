/// The deadlines of a request from a person, counted as Regulation (EEC, Euratom) No 1182/71 counts.
///
/// Art. 12(3) GDPR: one month from receipt, extendable by two further months. A period in months
/// ends with the day of the last month that has the same date as the day of receipt, or that
/// month's last day when it has none (Art. 3(2)(c)); when it would end on a Saturday, a Sunday or a
/// public holiday, it ends with the next working day (Art. 3(4)). The receipt day itself is not
/// counted (Art. 3(1)), which the "same date" rule already reflects.
public struct Deadline: Sendable {
    public let holidays: HolidayCalendar

    public init(holidays: HolidayCalendar) { self.holidays = holidays }

    /// The last day of a period of `months` months from `received`.
    public func end(received: CalendarDay, months: Int) -> CalendarDay {
        var day = received.adding(months: months)
        while !holidays.isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// Art. 12(3) first sentence: one month.
    public func first(received: CalendarDay) -> CalendarDay { end(received: received, months: 1) }

    /// Art. 12(3) second sentence: extended by two months, so three months from receipt.
    public func extended(received: CalendarDay) -> CalendarDay { end(received: received, months: 3) }
}

import Testing
@testable import Consent

@Suite("Deadlines of requests (Art. 12(3), Regulation 1182/71)")
struct DeadlineTests {
    static let thuringia = Deadline(holidays: HolidayCalendar(region: .thuringia))

    /// (received, months, due) worked out by hand with a calendar of Thuringia's holidays.
    static let table: [(String, Int, String, String)] = [
        ("2025-01-31", 1, "2025-02-28", "31 Jan → 28 Feb (no 31 Feb), a Friday"),
        ("2024-01-31", 1, "2024-02-29", "leap year: 31 Jan → 29 Feb, a Thursday"),
        ("2023-01-31", 1, "2023-02-28", "common year: 31 Jan → 28 Feb"),
        ("2025-01-30", 1, "2025-02-28", "30 Jan → last day of February"),
        ("2025-03-31", 1, "2025-04-30", "31 Mar → 30 Apr"),
        ("2024-12-31", 1, "2025-01-31", "over the year's end"),
        ("2025-01-15", 1, "2025-02-17", "15 Feb is a Saturday → Monday"),
        ("2025-03-18", 1, "2025-04-22", "Good Friday 18 Apr, weekend, Easter Monday 21 Apr → Tuesday"),
        ("2024-02-29", 1, "2024-04-02", "leap day → 29 Mar 2024, Good Friday → Tuesday after Easter Monday"),
        ("2025-04-01", 1, "2025-05-02", "1 May → 2 May"),
        ("2025-04-29", 1, "2025-05-30", "Ascension Day 29 May 2025 → Friday"),
        ("2025-05-09", 1, "2025-06-10", "Whit Monday 9 Jun 2025 → Tuesday"),
        ("2023-08-20", 1, "2023-09-21", "Weltkindertag 20 Sep (Thuringia) → 21 Sep"),
        ("2018-08-20", 1, "2018-09-20", "Weltkindertag is a holiday only since 2019"),
        ("2025-09-03", 1, "2025-10-06", "3 Oct 2025 is a Friday, then the weekend → Monday"),
        ("2023-07-31", 3, "2023-11-01", "extension: 31 Oct 2023 is Reformationstag → 1 Nov (no holiday in Thuringia)"),
        ("2024-12-01", 1, "2025-01-02", "New Year's Day → 2 Jan"),
        ("2025-11-25", 1, "2025-12-29", "Christmas Thursday and Friday, then the weekend → Monday"),
        ("2024-11-30", 3, "2025-02-28", "extension: three months from 30 Nov → 28 Feb"),
        ("2025-01-31", 3, "2025-04-30", "extension: three months from 31 Jan → 30 Apr"),
        ("2023-11-30", 3, "2024-02-29", "extension into a leap February"),
    ]

    @Test("the deadline table", arguments: table)
    func deadline(_ row: (String, Int, String, String)) throws {
        let received = try #require(CalendarDay(row.0))
        #expect(Self.thuringia.end(received: received, months: row.1).description == row.2, "\(row.3)")
    }

    @Test("first and extended deadline are one and three months from receipt")
    func firstAndExtended() throws {
        let received = try #require(CalendarDay("2025-01-31"))
        #expect(Self.thuringia.first(received: received).description == "2025-02-28")
        #expect(Self.thuringia.extended(received: received).description == "2025-04-30")
    }

    @Test("Easter by the Gregorian computus", arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2019, "2019-04-21"),
        (2000, "2000-04-23"), (2038, "2038-04-25"), (1818, "1818-03-22"), (2008, "2008-03-23"), (2285, "2285-03-22"),
    ])
    func easter(_ row: (Int, String)) {
        #expect(HolidayCalendar.easterSunday(row.0).description == row.1)
    }

    @Test("the holidays of Thuringia in 2025, and what DE alone lacks")
    func thuringia2025() {
        let th = HolidayCalendar(region: .thuringia).holidays(in: 2025).map(\.day.description)
        #expect(th == ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09",
                       "2025-09-20", "2025-10-03", "2025-10-31", "2025-12-25", "2025-12-26"])
        let de = Set(HolidayCalendar(region: .germany).holidays(in: 2025).map(\.day.description))
        #expect(Set(th).subtracting(de) == ["2025-09-20", "2025-10-31"])
    }

    @Test("a national calendar does not know Weltkindertag; a policy's extra days count", arguments: [
        (HolidayCalendar(region: .germany), "2023-08-20", "2023-09-20"),
        (HolidayCalendar(region: .none), "2025-04-01", "2025-05-01"),
        (HolidayCalendar(region: .thuringia), "2025-05-19", "2025-06-19"),
        (HolidayCalendar(region: .thuringia, extra: [.named(.fronleichnam)]), "2025-05-19", "2025-06-20"),
        (HolidayCalendar(region: .thuringia, extra: [.date(CalendarDay("2025-06-19")!)]), "2025-05-19", "2025-06-20"),
        (HolidayCalendar(region: .thuringia, extra: [.yearly(month: 6, day: 19)]), "2025-05-19", "2025-06-20"),
    ])
    func calendars(_ row: (HolidayCalendar, String, String)) throws {
        let received = try #require(CalendarDay(row.1))
        #expect(Deadline(holidays: row.0).first(received: received).description == row.2)
    }

    @Test("Buß- und Bettag is the Wednesday before 23 November")
    func bussUndBettag() {
        #expect(HolidayCalendar.day(.bussUndBettag, in: 2025).description == "2025-11-19")
        #expect(HolidayCalendar.day(.bussUndBettag, in: 2022).description == "2022-11-16")
    }

    @Test("days parse only when they exist", arguments: ["2025-02-29", "2025-13-01", "2025-1-01", "20250101", "2025-04-31", ""])
    func badDays(_ text: String) {
        #expect(CalendarDay(text) == nil)
    }

    @Test("day arithmetic round-trips and knows the weekday")
    func arithmetic() throws {
        let d = try #require(CalendarDay("2024-02-28"))
        #expect(d.adding(days: 1).description == "2024-02-29")
        #expect(d.adding(days: 2).description == "2024-03-01")
        #expect(CalendarDay(dayNumber: d.dayNumber) == d)
        #expect(CalendarDay("1970-01-01")!.weekday == 4)
        #expect(CalendarDay("2025-02-15")!.isWeekend)
        #expect(d.days(to: CalendarDay("2024-03-28")!) == 29)
        #expect(CalendarDay("2025-12-31")!.adding(months: 2).description == "2026-02-28")
    }

    @Test("the shipped policy names DE-TH; extra_holidays accepts days, yearly days and names")
    func policy() throws {
        #expect(try Fixtures.shippedPolicy().holidays.region == .thuringia)
        let p = try Fixtures.policy(("extra_holidays: []", "extra_holidays: [fronleichnam, 2025-06-20, 11-11]"))
        #expect(p.holidays.extra == [.named(.fronleichnam), .date(CalendarDay("2025-06-20")!), .yearly(month: 11, day: 11)])
        #expect(throws: PolicyError.self) { try Fixtures.policy(("holidays: DE-TH", "holidays: DE-XX")) }
        #expect(throws: PolicyError.self) { try Fixtures.policy(("extra_holidays: []", "extra_holidays: [heiligabend]")) }
    }
}

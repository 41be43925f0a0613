/// Public holidays at the controller's seat: the days a deadline may not end on (Regulation
/// 1182/71 Art. 3(4)). Named in the policy (`holidays: DE-TH`, `extra_holidays: [...]`).
public struct HolidayCalendar: Sendable, Equatable {
    /// The regions this engine knows.
    public enum Region: String, Sendable, CaseIterable {
        /// Germany's nine national holidays.
        case germany = "DE"
        /// Thuringia: the national ones, Weltkindertag (20 September, since 2019) and Reformationstag (31 October).
        case thuringia = "DE-TH"
        /// No public holidays: only Saturdays and Sundays move a deadline.
        case none
    }

    /// A day the policy adds (a municipality's own holiday, a one-off closure).
    public enum ExtraDay: Sendable, Equatable {
        /// One date.
        case date(CalendarDay)
        /// Every year on this month and day (`MM-DD`).
        case yearly(month: Int, day: Int)
        /// A movable day by its name, e.g. Fronleichnam (Easter + 60).
        case named(NamedDay)
    }

    public enum NamedDay: String, Sendable, CaseIterable {
        case fronleichnam
        case bussUndBettag = "buss-und-bettag"
        case heiligeDreiKoenige = "heilige-drei-koenige"
        case mariaeHimmelfahrt = "mariae-himmelfahrt"
        case allerheiligen
    }

    public var region: Region
    public var extra: [ExtraDay]

    public init(region: Region, extra: [ExtraDay] = []) {
        self.region = region
        self.extra = extra
    }

    /// Easter Sunday by the Gregorian computus (the anonymous algorithm of 1876, Meeus/Jones/Butcher).
    public static func easterSunday(_ year: Int) -> CalendarDay {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDay(year: year, month: month, day: day)!
    }

    /// The holidays of `year`, each with its German name.
    public func holidays(in year: Int) -> [(day: CalendarDay, name: String)] {
        var list: [(CalendarDay, String)] = []
        func fixed(_ m: Int, _ d: Int, _ name: String) { list.append((CalendarDay(year: year, month: m, day: d)!, name)) }
        let easter = Self.easterSunday(year)
        if region != .none {
            fixed(1, 1, "Neujahr")
            list.append((easter.adding(days: -2), "Karfreitag"))
            list.append((easter.adding(days: 1), "Ostermontag"))
            fixed(5, 1, "Tag der Arbeit")
            list.append((easter.adding(days: 39), "Christi Himmelfahrt"))
            list.append((easter.adding(days: 50), "Pfingstmontag"))
            fixed(10, 3, "Tag der Deutschen Einheit")
            fixed(12, 25, "1. Weihnachtstag")
            fixed(12, 26, "2. Weihnachtstag")
        }
        if region == .thuringia {
            if year >= 2019 { fixed(9, 20, "Weltkindertag") }
            fixed(10, 31, "Reformationstag")
        }
        for e in extra {
            switch e {
            case .date(let d) where d.year == year: list.append((d, "lokaler Feiertag"))
            case .date: break
            case .yearly(let m, let d):
                if let day = CalendarDay(year: year, month: m, day: d) { list.append((day, "lokaler Feiertag")) }
            case .named(let n): list.append((Self.day(n, in: year), n.rawValue))
            }
        }
        return list.sorted { $0.0 < $1.0 }
    }

    static func day(_ named: NamedDay, in year: Int) -> CalendarDay {
        switch named {
        case .fronleichnam: return easterSunday(year).adding(days: 60)
        case .heiligeDreiKoenige: return CalendarDay(year: year, month: 1, day: 6)!
        case .mariaeHimmelfahrt: return CalendarDay(year: year, month: 8, day: 15)!
        case .allerheiligen: return CalendarDay(year: year, month: 11, day: 1)!
        case .bussUndBettag:
            // The Wednesday before 23 November.
            let nov23 = CalendarDay(year: year, month: 11, day: 23)!
            let back = (nov23.weekday - 3 + 7) % 7
            return nov23.adding(days: -(back == 0 ? 7 : back))
        }
    }

    public func isHoliday(_ day: CalendarDay) -> Bool {
        holidays(in: day.year).contains { $0.day == day }
    }

    /// Neither a Saturday, a Sunday nor a public holiday.
    public func isWorkingDay(_ day: CalendarDay) -> Bool { !day.isWeekend && !isHoliday(day) }
}

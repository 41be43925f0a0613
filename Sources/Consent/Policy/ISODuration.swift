import Foundation

/// An ISO-8601 duration such as `P6M`, `P3Y`, `P30D`, `PT12H`, `P1Y2M3DT4H5M6S`, `P2W`.
///
/// Added with calendar arithmetic in the policy's time zone: `P1D` across a daylight-saving change
/// is one calendar day (23 or 25 hours), `P1M` from 31 January ends on the last day of February.
public struct ISODuration: Sendable, Equatable, CustomStringConvertible {
    public var years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0
    public let text: String

    public init?(_ text: String) {
        self.text = text
        var chars = Substring(text)
        guard chars.first == "P", chars.count > 1 else { return nil }
        chars.removeFirst()
        var inTime = false
        var number = ""
        var sawComponent = false
        var sawTimeComponent = false
        for c in chars {
            if c == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if c.isASCII, c.isNumber { number.append(c); continue }
            guard let n = Int(number), number.count <= 9 else { return nil }
            number = ""
            sawComponent = true
            sawTimeComponent = sawTimeComponent || inTime
            switch (inTime, c) {
            case (false, "Y"): years = n
            case (false, "M"): months = n
            case (false, "W"): weeks = n
            case (false, "D"): days = n
            case (true, "H"): hours = n
            case (true, "M"): minutes = n
            case (true, "S"): seconds = n
            default: return nil
            }
        }
        // "P1DT" is not a duration: a T must be followed by at least one time component.
        guard number.isEmpty, sawComponent, !inTime || sawTimeComponent else { return nil }
    }

    /// `date` plus this duration, in `calendar`'s time zone.
    public func added(to date: Date, in calendar: Calendar) -> Date {
        var c = DateComponents()
        c.year = years; c.month = months; c.day = days + 7 * weeks
        c.hour = hours; c.minute = minutes; c.second = seconds
        return calendar.date(byAdding: c, to: date) ?? date
    }

    /// `date` minus this duration: the cut-off for "started at or before".
    public func subtracted(from date: Date, in calendar: Calendar) -> Date {
        var c = DateComponents()
        c.year = -years; c.month = -months; c.day = -(days + 7 * weeks)
        c.hour = -hours; c.minute = -minutes; c.second = -seconds
        return calendar.date(byAdding: c, to: date) ?? date
    }

    public var description: String { text }
}

import Foundation

/// Dates, times and durations as a letter writes them, in German or English.
enum LetterWording {
    static let monthsDE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
    static let monthsEN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// „1. Juni 2024“ / “1 June 2024”.
    static func day(_ d: CalendarDay, _ language: LetterLanguage) -> String {
        language == .de ? "\(d.day). \(monthsDE[d.month - 1]) \(d.year)" : "\(d.day) \(monthsEN[d.month - 1]) \(d.year)"
    }

    static func day(_ instant: Date, _ timeZone: TimeZone, _ language: LetterLanguage) -> String {
        day(CalendarDay(instant, in: timeZone), language)
    }

    /// „am 1. Juni 2024 um 10:00 Uhr“ / “on 1 June 2024 at 10:00”, in the policy's time zone.
    static func moment(_ instant: Date, _ timeZone: TimeZone, _ language: LetterLanguage) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        let time = String(format: "%02d:%02d", c.hour!, c.minute!)
        let d = day(instant, timeZone, language)
        return language == .de ? "am \(d) um \(time) Uhr" : "on \(d) at \(time)"
    }

    static func moment(_ iso: String, _ timeZone: TimeZone, _ language: LetterLanguage) -> String {
        guard let instant = Timestamp.parse(iso) else { return iso }
        return moment(instant, timeZone, language)
    }

    /// „6 Monate“, „3 Jahre“, “6 months”; empty for a zero duration.
    static func duration(_ d: ISODuration, _ language: LetterLanguage) -> String {
        let de = language == .de
        var parts: [String] = []
        func add(_ n: Int, _ one: String, _ many: String) { if n != 0 { parts.append("\(n) \(n == 1 ? one : many)") } }
        add(d.years, de ? "Jahr" : "year", de ? "Jahre" : "years")
        add(d.months, de ? "Monat" : "month", de ? "Monate" : "months")
        add(d.weeks, de ? "Woche" : "week", de ? "Wochen" : "weeks")
        add(d.days, de ? "Tag" : "day", de ? "Tage" : "days")
        add(d.hours, de ? "Stunde" : "hour", de ? "Stunden" : "hours")
        add(d.minutes, de ? "Minute" : "minute", de ? "Minuten" : "minutes")
        add(d.seconds, de ? "Sekunde" : "second", de ? "Sekunden" : "seconds")
        return parts.joined(separator: de ? " und " : " and ")
    }

    /// German „…“ or English “…” quotes.
    static func quote(_ s: String, _ language: LetterLanguage) -> String {
        language == .de ? "„\(s)“" : "“\(s)”"
    }

    static func identityCheck(_ how: IdentityCheck, _ language: LetterLanguage) -> String {
        let de = language == .de
        return switch how {
        case .inPerson: de ? "Sie haben sich bei uns mit einem Ausweis ausgewiesen" : "you showed an identity document in our office"
        case .emailReply: de ? "Sie haben von der bei uns gespeicherten E-Mail-Adresse geantwortet" : "you replied from the e-mail address we hold"
        case .postalReply: de ? "Sie haben auf ein Schreiben an Ihre Anschrift geantwortet" : "you answered a letter to your postal address"
        case .callback: de ? "wir haben Sie unter der bei uns gespeicherten Nummer zurückgerufen" : "we called you back on the number we hold"
        case .consentID: de ? "Sie haben uns die Einwilligungs-ID aus Ihrem Browser genannt" : "you told us the consent id from your browser"
        case .signedLetter: de ? "Sie haben uns ein unterschriebenes Schreiben geschickt" : "you sent us a signed letter"
        }
    }

    static func typeName(_ type: RequestType, _ language: LetterLanguage) -> String {
        let de = language == .de
        return switch type {
        case .access: de ? "Auskunft (Art. 15 DSGVO)" : "access (Art. 15 GDPR)"
        case .portability: de ? "Datenübertragbarkeit (Art. 20 DSGVO)" : "data portability (Art. 20 GDPR)"
        case .erasure: de ? "Löschung (Art. 17 DSGVO)" : "erasure (Art. 17 GDPR)"
        case .rectification: de ? "Berichtigung (Art. 16 DSGVO)" : "rectification (Art. 16 GDPR)"
        case .restriction: de ? "Einschränkung der Verarbeitung (Art. 18 DSGVO)" : "restriction of processing (Art. 18 GDPR)"
        case .objection: de ? "Widerspruch (Art. 21 DSGVO)" : "objection (Art. 21 GDPR)"
        case .withdrawal: de ? "Widerruf Ihrer Einwilligung (Art. 7 Abs. 3 DSGVO)" : "withdrawal of your consent (Art. 7(3) GDPR)"
        }
    }
}

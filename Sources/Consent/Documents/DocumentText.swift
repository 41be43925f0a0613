import Foundation

/// The fixed wording of the generated documents in German and English; everything that varies
/// comes from the policy.
enum DocumentText {
    static func date(_ c: DateComponents, _ language: String) -> String {
        let y = c.year ?? 0, m = c.month ?? 0, d = c.day ?? 0
        if language == "de" { return String(format: "%02d.%02d.%04d", d, m, y) }
        return "\(d) \((1...12).contains(m) ? LetterWording.monthsEN[m - 1] : String(m)) \(y)"
    }

    /// A right with its article, as a sentence that says how to use it.
    static func right(_ r: DataSubjectRight, _ de: Bool) -> String {
        switch r {
        case .access: de ? "Auskunft über die gespeicherten Daten (Art. 15 DSGVO)" : "access to the data held about you (Art. 15 GDPR)"
        case .rectification: de ? "Berichtigung unrichtiger Daten (Art. 16 DSGVO)" : "rectification of inaccurate data (Art. 16 GDPR)"
        case .erasure: de ? "Löschung (Art. 17 DSGVO)" : "erasure (Art. 17 GDPR)"
        case .restriction: de ? "Einschränkung der Verarbeitung (Art. 18 DSGVO)" : "restriction of processing (Art. 18 GDPR)"
        case .portability: de ? "Datenübertragbarkeit (Art. 20 DSGVO)" : "data portability (Art. 20 GDPR)"
        case .objection: de ? "Widerspruch aus Gründen Ihrer besonderen Situation (Art. 21 DSGVO)" : "objection on grounds relating to your particular situation (Art. 21 GDPR)"
        case .withdrawal: de ? "Widerruf Ihrer Einwilligung jederzeit mit Wirkung für die Zukunft (Art. 7 Abs. 3 DSGVO)" : "withdrawal of your consent at any time with effect for the future (Art. 7(3) GDPR)"
        }
    }

    /// Why a right does not apply to a processing, when the notice says so.
    static func rightAbsent(_ r: DataSubjectRight, _ de: Bool) -> String? {
        switch r {
        case .portability: de ? "kein Recht auf Datenübertragbarkeit (gilt nur bei Einwilligung oder Vertrag, Art. 20 Abs. 1 DSGVO)" : "no right to data portability (applies only to consent or contract, Art. 20(1) GDPR)"
        case .objection: de ? "kein Widerspruchsrecht nach Art. 21 DSGVO (die Verarbeitung beruht nicht auf Art. 6 Abs. 1 lit. e oder f DSGVO); eine Einwilligung können Sie widerrufen" : "no right to object under Art. 21 GDPR (the processing does not rest on Art. 6(1)(e) or (f) GDPR); a consent you can withdraw"
        default: nil
        }
    }
}

import Foundation
import Testing
@testable import Consent
import Vault

/// The letter's text with line breaks and indents of the wrapping folded into single spaces.
func flat(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

@Suite("Answer letters (Art. 12, 15, 19)")
struct RequestAnswerTests {
    let box: Sandbox
    let consent: ConsentID
    static let email = "jana.krueger@example.org"

    /// Jana: accepted everything on 1 June 2024 at 10:00 (Berlin), then wrote a contact request with a
    /// message that looks like HTML.
    init() async throws {
        box = try Sandbox()
        let state = try await box.record(.acceptAll, at: "2024-06-01T10:00:00+02:00",
                                         provenance: Provenance(ipPrefix: "198.51.100.0", userAgent: "Firefox/128 Jana", globalPrivacyControl: false))
        consent = try #require(ConsentID(state.consentID))
        _ = try await box.record(.acceptSelection, purposes: ["external_media": false], services: ["youtube": true], id: consent,
                                 at: "2024-06-02T18:30:00+02:00")
        try await box.submit(name: "Jana Krüger", email: Self.email, message: "Bitte <b>Rückruf</b> & Info", consentID: consent.rawValue,
                             at: "2024-06-03T10:00:00+02:00")
    }

    func answer(_ type: RequestType = .access, _ subject: DataSubject = .email(RequestAnswerTests.email), language: LetterLanguage,
                close: RequestOutcome? = nil, runs: [(RequestAction, [String: String])] = []) async throws -> (Letter, RequestAnswer) {
        let r = try await box.open(type, subject, received: "2025-01-31", at: "2025-02-03T09:00:00+01:00", identity: .emailReply)
        for (action, details) in runs {
            try await box.register(at: "2025-02-04T11:15:00+01:00").record(action, for: r.id, subjectHash: nil, details: details)
        }
        if let close { _ = try await box.register(at: "2025-02-05T09:00:00+01:00").close(r.id, outcome: close, note: "Begründung X") }
        let request = try await box.register(at: "2025-02-05T09:00:00+01:00").get(r.id)
        let export = try await SubjectExport.build(for: subject, archive: box.archive(), ledger: box.ledger(at: "2025-02-05T09:00:00+01:00"),
                                                   policy: box.policy, now: instant("2025-02-05T09:00:00+01:00"))
        let answer = RequestAnswer(request: request, export: export, policy: box.policy, language: language, today: CalendarDay("2025-02-05")!)
        return (try answer.letter(), answer)
    }

    @Test("the German access letter: every datum, the history in words, the Art. 15(1)(a)–(h) items, the export's JSON")
    func accessGerman() async throws {
        let (letter, answer) = try await answer(language: .de)
        let text = flat(letter.text())
        for needle in [
            "Guten Tag Jana Krüger,", Self.email, "Bitte <b>Rückruf</b> & Info", "+49 3605 123456", consent.rawValue,
            "Am 1. Juni 2024 um 10:00 Uhr haben Sie „Alle akzeptieren“ gewählt",
            "Am 2. Juni 2024 um 18:30 Uhr haben Sie „Auswahl akzeptieren“ gewählt", "abgelehnt Externe Medien", "Dienste: YouTube",
            "gekürzt auf 198.51.100.0", "Firefox/128 Jana",
            "a) Zwecke und Rechtsgrundlagen", "b) Kategorien der Daten", "c) Empfänger", "d) Speicherdauer", "e) Ihre Rechte",
            "f) Beschwerderecht", "g) Herkunft der Daten", "h) Automatisierte Entscheidungen", "TLfDI",
            "Stadtteilbüro Südstadt der DAA (Auftragsverarbeiter), zuständige Mitarbeitende", "6 Monate nach Eingang",
            "31. Januar 2025", "28. Februar 2025", "\"privacy-engine-export/1\"",
        ] {
            #expect(text.contains(needle), "the letter lacks \(needle)")
        }
        // The appendix is exactly the export's JSON.
        #expect(letter.text().contains(String(decoding: try answer.export.jsonData(), as: UTF8.self)))
    }

    @Test("the English letter says the same")
    func accessEnglish() async throws {
        let (letter, _) = try await answer(language: .en)
        let text = flat(letter.text())
        for needle in [
            "Dear Jana Krüger,", Self.email, "Bitte <b>Rückruf</b> & Info", consent.rawValue,
            "On 1 June 2024 at 10:00 you chose “Accept all”", "refused External media",
            "(a) Purposes and legal bases", "(b) Categories of data", "(c) Recipients", "(d) Storage period", "(e) Your rights",
            "(f) Right to complain", "(g) Source of the data", "(h) Automated decisions", "TLfDI", "6 months after receipt",
            "31 January 2025", "28 February 2025",
        ] {
            #expect(text.contains(needle), "the letter lacks \(needle)")
        }
        #expect(!text.contains("Guten Tag"))
    }

    @Test("HTML: A4 page, everything escaped")
    func html() async throws {
        let (letter, _) = try await answer(language: .de)
        let html = letter.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("Bitte &lt;b&gt;Rückruf&lt;/b&gt; &amp; Info"))
        #expect(!html.contains("<b>Rückruf"))
        #expect(html.contains("<html lang=\"de\">"))
    }

    @Test("nothing held: said so, with Art. 11(2), and the rights that remain", arguments: LetterLanguage.allCases)
    func nothingHeld(_ language: LetterLanguage) async throws {
        let (letter, _) = try await answer(.access, .email("nobody@example.org"), language: language)
        let text = flat(letter.text())
        #expect(text.contains(language == .de ? "keine Daten über Sie gespeichert" : "we hold no data about you"))
        #expect(text.contains(language == .de ? "Art. 11 Abs. 2" : "Art. 11(2)"))
        #expect(text.contains("Art. 77"))
        #expect(!text.contains("privacy-engine-export/1"))
    }

    @Test("erasure: what was done and when, and the recipients told (Art. 19)")
    func erasure() async throws {
        let (letter, _) = try await answer(.erasure, language: .de, close: .answered, runs: [
            (.erase, ["contact_requests_deleted": "1", "consent_entries_redacted": "2", "held_by_legal_hold": "0"]),
        ])
        let text = flat(letter.text())
        #expect(text.contains("Am 4. Februar 2025 um 11:15 Uhr haben wir Ihre Daten gelöscht: 1 Kontaktanfragen und 2 Einträge"))
        #expect(text.contains("Art. 19"))
        #expect(text.contains("Stadtteilbüro Südstadt der DAA (Auftragsverarbeiter), zuständige Mitarbeitende"))
        #expect(!text.contains("a) Zwecke"))
    }

    @Test("a refusal quotes the reasons and names the remedies (Art. 12(4))")
    func refused() async throws {
        let (letter, _) = try await answer(.erasure, language: .en, close: .refused)
        let text = flat(letter.text())
        #expect(text.contains("Reasons: Begründung X"))
        #expect(text.contains("Art. 12(4)"))
    }
}

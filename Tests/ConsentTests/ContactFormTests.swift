import Foundation
import Testing
@testable import Consent

@Suite("Contact form validation")
struct ContactFormTests {
    struct Fields: Sendable, CustomTestStringConvertible {
        var name: String? = "Erika Mustermann"
        var email: String? = "erika@example.org"
        var phone: String? = nil
        var message: String? = "Guten Tag, bitte um Rückruf."
        var callback: String? = nil
        var accepted: Bool? = true
        var consentID: String? = nil
        var label = ""
        var testDescription: String { label }

        func make() throws(ConsentError) -> ContactForm {
            try ContactForm(name: name, email: email, phone: phone, message: message, callbackTime: callback,
                            privacyNoticeAccepted: accepted, consentID: consentID)
        }

        func with(_ label: String, _ change: (inout Fields) -> Void) -> Fields {
            var copy = self
            copy.label = label
            change(&copy)
            return copy
        }
    }

    static let valid = Fields()

    /// The validation error of `fields`, or `nil` when they are accepted.
    static func refusal(_ fields: Fields) -> ConsentError? {
        do { _ = try fields.make(); return nil } catch { return error }
    }

    static let refusals: [(Fields, String)] = [
        (valid.with("missing name") { $0.name = nil }, "name"),
        (valid.with("blank name") { $0.name = "   \n " }, "name"),
        (valid.with("name too long") { $0.name = String(repeating: "a", count: 201) }, "name"),
        (valid.with("NUL in name") { $0.name = "Erika\u{0}Mustermann" }, "name"),
        (valid.with("newline in name") { $0.name = "Erika\nMustermann" }, "name"),
        (valid.with("tab in name") { $0.name = "Erika\tMustermann" }, "name"),
        (valid.with("escape in name") { $0.name = "Erika\u{1B}[31m" }, "name"),
        (valid.with("DEL in name") { $0.name = "Erika\u{7F}" }, "name"),
        (valid.with("bidi override in name") { $0.name = "Erika\u{202E}nnam" }, "name"),
        (valid.with("bidi isolate in name") { $0.name = "Erika\u{2066}x" }, "name"),
        (valid.with("missing e-mail") { $0.email = nil }, "email"),
        (valid.with("empty e-mail") { $0.email = "" }, "email"),
        (valid.with("e-mail too long") { $0.email = String(repeating: "a", count: 60) + "@" + String(repeating: "b", count: 191) + ".de" }, "email"),
        (valid.with("missing message") { $0.message = nil }, "message"),
        (valid.with("blank message") { $0.message = "\n\t " }, "message"),
        (valid.with("message too long") { $0.message = String(repeating: "x", count: 5001) }, "message"),
        (valid.with("NUL in message") { $0.message = "Hallo\u{0}" }, "message"),
        (valid.with("bell in message") { $0.message = "Hallo\u{07}" }, "message"),
        (valid.with("phone with letters") { $0.phone = "0361 CALL ME" }, "phone"),
        (valid.with("phone with a letter o") { $0.phone = "+49 36o5 123" }, "phone"),
        (valid.with("phone too long") { $0.phone = String(repeating: "1", count: 41) }, "phone"),
        (valid.with("callback time too long") { $0.callback = String(repeating: "x", count: 101) }, "callback_time"),
        (valid.with("callback time with control characters") { $0.callback = "morgen\u{0}" }, "callback_time"),
        (valid.with("privacy notice not accepted") { $0.accepted = false }, "privacy_notice_accepted"),
        (valid.with("privacy notice missing") { $0.accepted = nil }, "privacy_notice_accepted"),
        (valid.with("consent id starting with -") { $0.consentID = "-abcdef0123456789" }, "consent_id"),
        (valid.with("consent id too short") { $0.consentID = "abc" }, "consent_id"),
        (valid.with("consent id with a slash") { $0.consentID = "abcdef01/23456789" }, "consent_id"),
    ]

    @Test("the ASCII path trims and finds control characters as the general path does")
    func asciiPathEqualsGeneral() throws {
        var samples = ["  Erika \r\n", "\r\n\r\n", "a\r\nb\n\rc", "\t\u{0B}\u{0C}x\u{1C}\u{7F}", "", "   ", "x\u{0}y"]
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x20, 0x41, 0x61, 0x7F]
        for _ in 0..<3000 {
            samples.append(String(decoding: (0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
        }
        for text in samples {
            for multiline in [false, true] {
                let fast = try #require(ContactForm.asciiText(text, multiline: multiline))
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                let forbidden = trimmed.unicodeScalars.contains { s in
                    (s.value < 0x20 && !(multiline && (s == "\n" || s == "\r" || s == "\t"))) || s.value == 0x7f
                }
                #expect(fast.text == trimmed && fast.forbidden == forbidden, "\(Array(text.utf8))")
            }
        }
        #expect(ContactForm.asciiText("Grüße", multiline: false) == nil)
    }

    @Test("the ASCII shape check of an e-mail address agrees with the general one")
    func asciiEmailShape() {
        var samples = ["erika@example.org", "a.b@c.de", ".a@b.cd", "a.@b.cd", "a..b@c.de", "a@b", "a@-b.cd", "a@b-.cd", "a@b.c",
                       "a b@c.de", "a\u{7F}b@c.de", "(a)@b.cd", "a@b..cd", "a@@b.cd", String(repeating: "x", count: 65) + "@b.cd",
                       "a@" + String(repeating: "y", count: 64) + ".de", "a@b.c\r\n", "a@b\r\n.cd", "\"q\"@b.cd", "a@1.23"]
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab.-@ _(\t\r\nZ9\\\"".utf8) + [0x7F, 0x00]
        for _ in 0..<5000 {
            samples.append(String(decoding: (0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
        }
        for text in samples {
            #expect(ContactForm.looksLikeASCIIEmail(Array(text.utf8)) == ContactForm.looksLikeUnicodeEmail(text), "\(Array(text.utf8))")
        }
    }

    @Test("contract v1.1: an e-mail address or a phone number, at least one; neither names email", arguments: [
        (valid.with("phone only") { $0.email = nil; $0.phone = "+49 3605 123456" }, true),
        (valid.with("empty e-mail and a phone") { $0.email = " "; $0.phone = "03605 123456" }, true),
        (valid.with("e-mail only") { $0.phone = nil }, true),
        (valid.with("neither") { $0.email = nil; $0.phone = nil }, false),
        (valid.with("both blank") { $0.email = ""; $0.phone = "  " }, false),
    ])
    func emailOrPhone(_ fields: Fields, accepted: Bool) throws {
        if accepted {
            let form = try fields.make()
            #expect(form.email != nil || form.phone != nil)
        } else {
            guard case .invalid(let field, _)? = Self.refusal(fields) else {
                Issue.record("expected a refusal naming email, got \(String(describing: Self.refusal(fields)))")
                return
            }
            #expect(field == "email")
        }
    }

    @Test("a field that breaks a rule is refused with its name", arguments: refusals)
    func refused(_ fields: Fields, field: String) {
        guard case .invalid(let f, let message)? = Self.refusal(fields) else {
            Issue.record("expected .invalid(\(field)), got \(String(describing: Self.refusal(fields)))")
            return
        }
        #expect(f == field)
        #expect(!message.isEmpty)
    }

    @Test("e-mail addresses of the wrong shape are refused", arguments: [
        "plainaddress", "@example.org", "erika@", "erika@example", "erika@@example.org", "erika@exa@mple.org",
        "erika mustermann@example.org", "erika@exa mple.org", "erika@.example.org", "erika@example..org", "erika@example.org.",
        ".erika@example.org", "erika.@example.org", "er..ika@example.org", "erika@-example.org", "erika@example-.org",
        "erika@example.o", "erika@example.c_m", "<erika@example.org>", "erika@example.org>", "\"erika\"@example.org",
        "erika,m@example.org", "erika;m@example.org", "erika@exam_ple.org", String(repeating: "a", count: 65) + "@example.org",
        "erika@" + String(repeating: "a", count: 64) + ".de",
    ])
    func badEmail(_ email: String) {
        guard case .invalid(let field, _)? = Self.refusal(Self.valid.with(email) { $0.email = email }) else {
            Issue.record("'\(email)' was not refused as an e-mail address")
            return
        }
        #expect(field == "email")
    }

    @Test("plausible e-mail addresses are accepted", arguments: [
        "erika@example.org", "Erika.Mustermann+kontakt@example.org", "e@x.de", "erika@mail.stadtteil-leinefelde.de",
        "erika@münchen.de", "o'brien@example.ie", "user_name-1@sub.example.co.uk", String(repeating: "a", count: 64) + "@example.org",
    ])
    func goodEmail(_ email: String) throws {
        let form = try Self.valid.with(email) { $0.email = email }.make()
        #expect(form.email == email)
    }

    @Test("names in any script are kept exactly", arguments: [
        "Zoë Müller-Lüdenscheidt", "😀 Smiley", "👩‍👩‍👧 Familie Schmidt", "محمد الأحمد", "李小龍", "Ñandú Ørsted", "Ἀριστοτέλης",
        "O'Connor", "José\u{301}", "Åsa Ödman", "Дмитрий Шостакович", "עמוס עוז",
    ])
    func unicodeNames(_ name: String) throws {
        let form = try Self.valid.with(name) { $0.name = name }.make()
        #expect(form.name == name)
        #expect(Array(form.name.utf8) == Array(name.utf8))
    }

    @Test("surrounding white space is trimmed; line breaks in the message are kept")
    func trimming() throws {
        let form = try Self.valid.with("trim") {
            $0.name = "  Erika Mustermann \n"
            $0.email = " erika@example.org "
            $0.message = "\n Zeile 1\r\nZeile 2\n\tEingerückt \n"
            $0.phone = " +49 (3605) 12-34/56. "
            $0.callback = "  "
        }.make()
        #expect(form.name == "Erika Mustermann")
        #expect(form.email == "erika@example.org")
        #expect(form.message == "Zeile 1\r\nZeile 2\n\tEingerückt")
        #expect(form.phone == "+49 (3605) 12-34/56.")
        #expect(form.callbackTime == nil)
    }

    @Test("the limits are inclusive", arguments: [("name", 200), ("message", 5000), ("phone", 40), ("callback_time", 100)])
    func limits(field: String, limit: Int) throws {
        let text = String(repeating: field == "phone" ? "1" : "ä", count: limit)
        let form = try Self.valid.with(field) { f in
            switch field {
            case "name": f.name = text
            case "message": f.message = text
            case "phone": f.phone = text
            default: f.callback = text
            }
        }.make()
        #expect([form.name, form.message, form.phone, form.callbackTime].contains(text))
    }

    @Test("a long message of emoji counts code points, not bytes (👍🏽 is two code points, eight bytes)")
    func emojiMessage() throws {
        let message = String(repeating: "👍🏽", count: 2500)
        #expect(try Self.valid.with("emoji") { $0.message = message }.make().message == message)
        #expect(Self.refusal(Self.valid.with("emoji") { $0.message = message + "👍🏽" }) == .invalid(field: "message", message: "is longer than 5000 characters"))
    }

    /// Schemathesis found a name of 201 code points, six of them white space, accepted: the length
    /// was counted after trimming, in characters, while the schema's `maxLength` counts the value as sent.
    @Test("lengths count the code points of the value as sent, white space and combining marks included", arguments: [
        ("name", " " + String(repeating: "a", count: 200), false),
        ("name", "\u{202F}\u{0B}\u{2008}\u{2008}\u{23C2}\u{85}" + String(repeating: "*", count: 195), false),
        ("name", "\u{202F}\u{0B}\u{2008}\u{2008}\u{23C2}\u{85}" + String(repeating: "*", count: 194), true),
        ("name", String(repeating: "e\u{301}", count: 100), true),
        ("name", String(repeating: "e\u{301}", count: 100) + "x", false),
        ("message", String(repeating: "a\r\n", count: 1666) + "ab", true),
        ("message", String(repeating: "a\r\n", count: 1666) + "abc", false),
        ("callback_time", String(repeating: " ", count: 50) + String(repeating: "x", count: 51), false),
    ])
    func lengthAsSent(field: String, text: String, accepted: Bool) {
        let refusal = Self.refusal(Self.valid.with(field) { f in
            switch field {
            case "name": f.name = text
            case "message": f.message = text
            default: f.callback = text
            }
        })
        if accepted { #expect(refusal == nil) } else {
            let limit = ["name": ContactForm.limits.name, "message": ContactForm.limits.message, "callback_time": ContactForm.limits.callbackTime][field]!
            #expect(refusal == .invalid(field: field, message: "is longer than \(limit) characters"))
        }
    }

    @Test("several wrong fields are reported together")
    func several() {
        let error = Self.refusal(Self.valid.with("several") { $0.name = nil; $0.email = "nope"; $0.accepted = false; $0.phone = "abc" })
        guard case .invalidFields(let fields)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(Set(fields.keys) == ["name", "email", "privacy_notice_accepted", "phone"])
    }

    @Test("a valid consent id is kept; the form encodes with snake_case keys")
    func encoding() throws {
        let form = try Self.valid.with("id") { $0.consentID = "0123456789abcdef0123456789abcdef"; $0.callback = "ab 16 Uhr" }.make()
        #expect(form.consentID == "0123456789abcdef0123456789abcdef")
        let json = String(decoding: try JSONEncoder().encode(form), as: UTF8.self)
        #expect(json.contains("\"callback_time\""))
        #expect(json.contains("\"consent_id\""))
    }
}

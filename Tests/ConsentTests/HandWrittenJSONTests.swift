import Foundation
import Testing
@testable import Consent

/// The hot path writes some JSON by hand (issue 16); these hold it byte for byte equal to what
/// Foundation's `JSONEncoder` writes with the same options.
@Suite("Hand-written JSON equals JSONEncoder's")
struct HandWrittenJSONTests {
    static let texts = [
        "Erika Mustermann", "", "a\"b\\c/d", "Zeile 1\nZeile 2\r\n\tEnde", "Grüße 😀 مرحبا 中文 e\u{301}",
        "\u{1}\u{8}\u{c}\u{1f}\u{7f}", "https://www.example.org/a/b?x=1&y=<2>", "\u{2028}\u{2029}",
        "\"", "\\", "\\\"\"\\", "\"start", "end\\", "ä\"ö\\ü",
    ]

    @Test("the sealed contact payload", arguments: texts)
    func payload(text: String) throws {
        for optional in [nil, text] {
            let form = ContactForm(unchecked: text, email: optional, phone: optional, message: text + text,
                                   callbackTime: optional, consentID: optional)
            let payload = ContactPayload(form: form, privacyNoticeAcceptedAt: "2024-06-01T10:00:00Z")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            #expect(payload.encoded() == [UInt8](try encoder.encode(payload)))
            #expect(try JSONDecoder().decode(ContactPayload.self, from: Data(payload.encoded())).form == form)
        }
    }

    static func state(_ text: String, purposes: [String: Bool], textsHash: String?, expires: String?) -> ConsentState {
        ConsentState(consentID: text, recordedAt: "2024-03-01T12:00:00Z", expiresAt: expires, policyVersion: text,
                     method: "accept_all", source: text, purposes: purposes, services: ["youtube": true, "google_maps": false],
                     expired: false, policyOutdated: true, gpc: true, gpcConflict: false,
                     receipt: .init(sequence: 1_234_567, entryHash: String(repeating: "ab", count: 32), textsHash: textsHash))
    }

    @Test("the consent state the API answers", arguments: texts)
    func consentState(text: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let keys: [[String: Bool]] = [
            [:], ["necessary": true], ["necessary": true, "external_media": false, "statistics": true],
            ["a10": true, "a9": false, "a-b": true, "a_b": false, "ab": true, "a": false],
        ]
        for purposes in keys {
            for (hash, expires) in [(nil, nil), ("cd", "2025-03-01T12:00:00Z")] as [(String?, String?)] {
                let state = Self.state(text, purposes: purposes, textsHash: hash, expires: expires)
                let expected = [UInt8](try encoder.encode(state))
                if let written = state.apiJSON() {
                    #expect(written == expected, "\(String(decoding: written, as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
                } else {
                    // Left to the encoder only for what it escapes in its own way.
                    #expect(text.utf8.contains { $0 < 0x20 })
                }
            }
        }
        // Keys that are not plain ids are left to the encoder.
        #expect(Self.state("x", purposes: ["Groß": true], textsHash: nil, expires: nil).apiJSON() == nil)
    }

    @Test("the ledger's canonical choices", arguments: [
        [String: Bool](), ["necessary": true], ["b": true, "a": false, "a\"q": true, "back\\slash": false, "ü": true, "Z": false],
    ])
    func choices(choices: [String: Bool]) {
        let body = choices.keys.sorted().map { key in
            let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\":\(choices[key]! ? "true" : "false")"
        }
        #expect(LedgerEntry.encodeChoices(choices) == "{" + body.joined(separator: ",") + "}")
        #expect(LedgerEntry.decodeChoices(LedgerEntry.encodeChoices(choices)) == choices)
        #expect(LedgerEntry.decodeCanonicalChoices(LedgerEntry.encodeChoices(choices)) == choices)
    }

    /// What `JSONDecoder` makes of a stored text (`[:]` when it refuses it), the reading before the
    /// canonical fast path.
    static func foundationChoices(_ text: String) -> [String: Bool] {
        (try? JSONDecoder().decode([String: Bool].self, from: Data(text.utf8))) ?? [:]
    }

    @Test("reading stored choices: the canonical fast path answers as JSONDecoder, over random and odd texts")
    func choicesReadAsJSONDecoder() {
        var generator = SeededRandom(seed: "choices")
        let alphabet: [String] = ["a", "Z", "_", "-", "1", "\"", "\\", "/", "ü", "e\u{301}", "😀", " ", "\u{7f}"]
        for _ in 0..<3000 {
            var choices: [String: Bool] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let key = (0..<Int.random(in: 1...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
                choices[key] = Bool.random(using: &generator)
            }
            let text = LedgerEntry.encodeChoices(choices)
            #expect(LedgerEntry.decodeChoices(text) == Self.foundationChoices(text), "\(text)")
            #expect(LedgerEntry.decodeCanonicalChoices(text) == Self.foundationChoices(text), "\(text)")
        }
        // Texts the engine never writes: the fast path declines or agrees, the answer is JSONDecoder's.
        let odd = [#"{}"#, #"{ }"#, #"{"a":true }"#, #"{"a": true}"#, #"{"a":true,"a":false}"#, #"{"a":1}"#, #"{"a":null}"#,
                   #"{"a\u0041":true}"#, #"{"a\nb":true}"#, "{\"a\u{1}\":true}", #"{"a":true,}"#, #"{"a":true"#, #"["a"]"#,
                   #"{"a":truex}"#, #"{"a":true}x"#, #""#, #"{"e\u0301":true,"é":false}"#, #"{"\/":false}"#]
        for text in odd {
            #expect(LedgerEntry.decodeChoices(text) == Self.foundationChoices(text), "\(text)")
            if let fast = LedgerEntry.decodeCanonicalChoices(text) { #expect(fast == Self.foundationChoices(text), "\(text)") }
        }
    }
}


extension ContactForm {
    /// A form with any text, past the validation (the encoder must cope with what validation lets through and more).
    init(unchecked name: String, email: String?, phone: String?, message: String, callbackTime: String?, consentID: String?) {
        self = try! ContactForm(name: "x", email: nil, phone: "1", message: "x", callbackTime: nil, privacyNoticeAccepted: true)
        self.name = name
        self.email = email
        self.phone = phone
        self.message = message
        self.callbackTime = callbackTime
        self.consentID = consentID
    }
}

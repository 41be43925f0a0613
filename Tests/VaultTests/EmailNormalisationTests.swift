import Testing
@testable import Vault

@Suite("E-mail normalisation and Punycode")
struct EmailNormalisationTests {
    // Vectors from Python's `encodings.punycode` and RFC 3492 §7.1.
    @Test("Punycode encodes as RFC 3492", arguments: [
        ("bücherei", "bcherei-n2a"),
        ("bücherei-südstadt", "bcherei-sdstadt-zvbi"),
        ("münchen", "mnchen-3ya"),
        ("straße", "strae-oqa"),
        ("äöü", "4ca0bs"),
        ("日本語", "wgv71a119e"),
        ("例え", "r8jz45g"),
        ("παράδειγμα", "hxajbheg2az3al"),
        // RFC 3492 7.1 (B) Chinese (simplified), (L) 3<nen>B<gumi><kinpachi><sensei>
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"),
    ])
    func punycode(input: String, expected: String) {
        #expect(Punycode.encode(input) == expected)
    }

    @Test("addresses are normalised: NFC, lower case, IDNA domain; dots, +tags and ß are kept", arguments: [
        ("Juergen.Mueller@Bücherei-Südstadt.example", "juergen.mueller@xn--bcherei-sdstadt-zvbi.example"),
        ("juergen.mueller@xn--bcherei-sdstadt-zvbi.example", "juergen.mueller@xn--bcherei-sdstadt-zvbi.example"),
        ("JUERGEN.MUELLER@XN--BCHEREI-SDSTADT-ZVBI.EXAMPLE", "juergen.mueller@xn--bcherei-sdstadt-zvbi.example"),
        ("  Erika@Example.ORG \n", "erika@example.org"),
        ("Zoe\u{0308}@example.org", "zoë@example.org"),           // NFD → NFC
        ("zoë@example.org", "zoë@example.org"),
        ("erika.m+news@example.org", "erika.m+news@example.org"), // dots and tags are different mailboxes
        ("Straße@example.org", "straße@example.org"),             // ß is not ss
        ("erika@bücherei。example", "erika@xn--bcherei-n2a.example"),
        ("erika@example.org.", "erika@example.org."),
    ])
    func normalised(input: String, expected: String) {
        #expect(EmailNormalisation.normalise(input) == expected)
        #expect(BlindIndex.normalise(input) == expected)
    }

    @Test("the ASCII path gives the general path's normal form, byte for byte")
    func asciiPathEqualsGeneral() {
        var samples = ["Erika.Mustermann+News@Example.ORG", "  \t\n\u{0B}\u{0C}\rA@B.c \r\n", "", " ", "no-at-sign", "a@b@c", "\u{1C}x\u{1F}",
                       "x.@..", "ZZ@zz", "@", "\u{7F}Q@q", "A b@C d"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            samples.append(String(decoding: (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...0x7F, using: &rng) }, as: UTF8.self))
        }
        for text in samples {
            #expect(EmailNormalisation.asciiNormal(text) == EmailNormalisation.unicodeNormal(text), "\(Array(text.utf8))")
        }
        #expect(EmailNormalisation.asciiNormal("bücherei@example.org") == nil)
    }

    @Test("every spelling of one address has one index value; rows of 1.0 are still looked up")
    func indexValues() throws {
        let index = BlindIndex(key: try IndexKey.generate())
        let spellings = ["Juergen.Mueller@Bücherei-Südstadt.example", "juergen.mueller@xn--bcherei-sdstadt-zvbi.example",
                         "Juergen.Mueller@Bu\u{0308}cherei-Su\u{0308}dstadt.example"]
        #expect(Set(spellings.map { index.value(forEmail: $0) }).count == 1)
        let lookup = index.lookupValues(forEmail: spellings[0])
        #expect(lookup.count == 2)
        #expect(lookup.contains(index.value(for: "email:juergen.mueller@bücherei-südstadt.example")))
        #expect(index.lookupValues(forEmail: "erika@example.org").count == 1)
    }
}

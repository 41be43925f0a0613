import Foundation

/// How an e-mail address is normalised before the blind index (and before two addresses are
/// compared), so that one person is found under every spelling of their address.
///
/// Folded: surrounding white space; Unicode canonical equivalence (NFC: `u` + combining
/// diaeresis = `ü`); upper and lower case (Unicode lower-case mapping, in the local part too:
/// no common provider tells `Erika@` from `erika@`); the domain's IDNA form (each label with
/// non-ASCII letters becomes `xn--` + Punycode, RFC 3492/5891, so `bücherei.example` and
/// `xn--bcherei-n2a.example` are one domain); the full stops U+3002, U+FF0E, U+FF61 in the domain.
///
/// Not folded (they are different mailboxes for the standard, and folding them would merge two
/// people): dots in the local part (`erika.m@` ≠ `erikam@`), `+tags` (`erika+news@`), `ß` against
/// `ss`, a trailing dot of the domain (not valid in an address), compatibility forms (NFKC: `ﬁ` ≠ `fi`), and any provider-specific alias.
public enum EmailNormalisation {
    /// The normal form; text without `@` is normalised as a whole, like a local part.
    public static func normalise(_ email: String) -> String {
        asciiNormal(email) ?? unicodeNormal(email)
    }

    /// The same normal form for plain ASCII, the usual case, on bytes: NFC, the IDNA form and the
    /// full stops leave ASCII unchanged, so only trimming and lower case remain (issue 16: the
    /// general path cost 4 % of a contact request's CPU).
    static func asciiNormal(_ email: String) -> String? {
        let bytes = email.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        // Unicode's White_Space in ASCII: tab, line feed, vertical tab, form feed, return, space.
        func space(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else { return "" }
        return String(decoding: bytes[first...last].lazy.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    static func unicodeNormal(_ email: String) -> String {
        let text = nfcLower(email.trimmingWhitespace())
        guard let at = text.lastIndex(of: "@") else { return text }
        let local = text[..<at]
        var domain = String(text[text.index(after: at)...])
        for dot in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] { domain = domain.replacingOccurrences(of: dot, with: ".") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false).map { Punycode.asciiLabel(String($0)) }
        return local + "@" + labels.joined(separator: ".")
    }

    /// The normal form of versions up to 1.0 (trimmed, lower-cased): rows indexed then are found
    /// through it until `privacyctl contacts reindex` has run.
    public static func legacy(_ email: String) -> String {
        email.trimmingWhitespace().lowercased()
    }

    private static func nfcLower(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }
}

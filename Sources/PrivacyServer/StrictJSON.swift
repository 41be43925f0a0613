/// A strict pre-check of request bodies, before `JSONDecoder` sees them: well-formed UTF-8 JSON,
/// an object at the top, nesting at most `maxDepth` deep, and no key twice in one object
/// (`JSONDecoder` would silently keep one of them, and the two halves of a system could
/// disagree about which).
enum StrictJSON {
    enum Failure: Error, Equatable {
        case syntax(offset: Int, reason: String)
        case tooDeep
        case duplicateKey(String)
        case notAnObject
    }

    static let maxDepth = 32

    static func check(_ bytes: [UInt8]) throws(Failure) {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        guard p.peek() == UInt8(ascii: "{") else {
            if p.index >= bytes.count { throw .syntax(offset: 0, reason: "empty body") }
            try p.value(depth: 0)
            throw .notAnObject
        }
        try p.value(depth: 0)
        p.skipSpace()
        guard p.index == bytes.count else { throw .syntax(offset: p.index, reason: "trailing characters after the JSON value") }
    }

    /// The text of a string's raw bytes (already validated) with its escapes resolved, as a
    /// decoder reads it; an unpaired surrogate becomes U+FFFD. Keys compare as `String`s, so
    /// canonically equivalent spellings (NFC/NFD) are one key too, as they are for `JSONDecoder`.
    static func unescape(_ raw: [UInt8]) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var i = 0
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            return UInt32(String(decoding: raw[at..<(at + 4)], as: UTF8.self), radix: 16)
        }
        func flush() {
            out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll()
        }
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count else { bytes.append(raw[i]); i += 1; continue }
            flush()
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append("\u{08}")
            case UInt8(ascii: "f"): out.append("\u{0C}")
            case UInt8(ascii: "n"): out.append("\n")
            case UInt8(ascii: "r"): out.append("\r")
            case UInt8(ascii: "t"): out.append("\t")
            case UInt8(ascii: "u"):
                guard let unit = hex(i) else { out.append("\u{FFFD}"); continue }
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                   let low = hex(i + 2), (0xDC00..<0xE000).contains(low) {
                    i += 6
                    out.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else {
                    out.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default: out.append(Unicode.Scalar(e))
            }
        }
        flush()
        return String(out)
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { index += 1 }
        }

        mutating func expect(_ c: UInt8) throws(Failure) {
            guard peek() == c else { throw .syntax(offset: index, reason: "expected '\(Character(Unicode.Scalar(c)))'") }
            index += 1
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < StrictJSON.maxDepth else { throw .tooDeep }
            skipSpace()
            guard let c = peek() else { throw .syntax(offset: index, reason: "unexpected end of body") }
            switch c {
            case UInt8(ascii: "{"):
                index += 1
                var keys = Set<String>()
                skipSpace()
                if peek() == UInt8(ascii: "}") { index += 1; return }
                while true {
                    skipSpace()
                    // Keys are compared as decoded text: `"a"` and `"\u0061"` are the same key.
                    let key = StrictJSON.unescape(try string())
                    if !keys.insert(key).inserted { throw .duplicateKey(key) }
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if peek() == UInt8(ascii: "]") { index += 1; return }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func literal(_ word: String) throws(Failure) {
            for c in word.utf8 {
                guard peek() == c else { throw .syntax(offset: index, reason: "invalid literal") }
                index += 1
            }
        }

        mutating func number() throws(Failure) {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            var digits = 0
            while let c = peek(), c >= 48 && c <= 57 { index += 1; digits += 1 }
            guard digits > 0 else { throw .syntax(offset: start, reason: "invalid value") }
            if peek() == UInt8(ascii: ".") {
                index += 1
                var frac = 0
                while let c = peek(), c >= 48 && c <= 57 { index += 1; frac += 1 }
                guard frac > 0 else { throw .syntax(offset: index, reason: "invalid number") }
            }
            if let c = peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                index += 1
                if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
                var exp = 0
                while let c = peek(), c >= 48 && c <= 57 { index += 1; exp += 1 }
                guard exp > 0 else { throw .syntax(offset: index, reason: "invalid number") }
            }
        }

        /// Reads a string (the opening quote is next), validating escapes and UTF-8; returns its raw bytes.
        mutating func string() throws(Failure) -> [UInt8] {
            try expect(UInt8(ascii: "\""))
            let start = index
            while true {
                guard let c = peek() else { throw .syntax(offset: index, reason: "unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    let raw = Array(bytes[start..<index])
                    index += 1
                    guard String(validating: raw, as: UTF8.self) != nil else {
                        throw .syntax(offset: start, reason: "string is not valid UTF-8")
                    }
                    return raw
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let e = peek() else { throw .syntax(offset: index, reason: "unterminated escape") }
                    if e == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            index += 1
                            guard let h = peek(), (h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102) else {
                                throw .syntax(offset: index, reason: "invalid \\u escape")
                            }
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(e) {
                        throw .syntax(offset: index, reason: "invalid escape")
                    }
                    index += 1
                case 0..<0x20:
                    throw .syntax(offset: index, reason: "control character in string")
                default:
                    index += 1
                }
            }
        }
    }
}

/// A strict reader of request bodies: well-formed UTF-8 JSON, an object at the top, nesting at most
/// `maxDepth` deep, no key twice in one object (`JSONDecoder` would silently keep one of them, and
/// the two halves of a system could disagree about which) and no unpaired surrogate in a `\u`
/// escape (`JSONDecoder` refuses it too). ``parse(_:)`` also returns
/// the value, which ``StrictJSONDecoder`` hands to the body's `Decodable` type: one pass over the
/// bytes instead of this check plus Foundation's `JSONDecoder` (issue 16).
enum StrictJSON {
    enum Failure: Error, Equatable {
        case syntax(offset: Int, reason: String)
        case tooDeep
        case duplicateKey(String)
        case notAnObject
    }

    /// A parsed JSON value. Numbers keep their text: the bodies have no numeric fields, and the
    /// decoder converts one only when a type asks for it.
    enum Value {
        case object([String: Value])
        case array([Value])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    static let maxDepth = 32

    static func check(_ bytes: [UInt8]) throws(Failure) {
        _ = try parse(bytes)
    }

    /// The body's top-level object, checked as described above.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> [String: Value] {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        guard p.peek() == UInt8(ascii: "{") else {
            if p.index >= bytes.count { throw .syntax(offset: 0, reason: "empty body") }
            _ = try p.value(depth: 0)
            throw .notAnObject
        }
        let value = try p.value(depth: 0)
        p.skipSpace()
        guard p.index == bytes.count else { throw .syntax(offset: p.index, reason: "trailing characters after the JSON value") }
        guard case .object(let object) = value else { throw .notAnObject }
        return object
    }

    /// The text of a string's raw bytes (already validated) with its escapes resolved, as a
    /// decoder reads it; an unpaired surrogate becomes U+FFFD. Keys compare as `String`s, so
    /// canonically equivalent spellings (NFC/NFD) are one key too, as they are for `JSONDecoder`.
    static func unescape(_ raw: [UInt8]) -> String { unescape(raw[...]).text }

    /// As ``unescape(_:)``, and whether every `\u` surrogate was paired.
    static func unescape(_ raw: ArraySlice<UInt8>) -> (text: String, paired: Bool) {
        guard raw.contains(UInt8(ascii: "\\")) else { return (String(decoding: raw, as: UTF8.self), true) }
        let raw = Array(raw)
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var paired = true
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
                guard let unit = hex(i) else { out.append("\u{FFFD}"); paired = false; continue }
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                   let low = hex(i + 2), (0xDC00..<0xE000).contains(low) {
                    i += 6
                    out.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}")
                } else if let scalar = Unicode.Scalar(unit) {
                    out.append(scalar)
                } else {
                    out.append("\u{FFFD}")
                    paired = false
                }
            default: out.append(Unicode.Scalar(e))
            }
        }
        flush()
        return (String(out), paired)
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

        mutating func value(depth: Int) throws(Failure) -> Value {
            guard depth < StrictJSON.maxDepth else { throw .tooDeep }
            skipSpace()
            guard let c = peek() else { throw .syntax(offset: index, reason: "unexpected end of body") }
            switch c {
            case UInt8(ascii: "{"):
                index += 1
                var object = [String: Value](minimumCapacity: 8)   // a body's object: no growing on the way
                skipSpace()
                if peek() == UInt8(ascii: "}") { index += 1; return .object(object) }
                while true {
                    skipSpace()
                    // Keys are compared as decoded text: `"a"` and `"\u0061"` are the same key.
                    let key = try text()
                    if object[key] != nil { throw .duplicateKey(key) }
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    object[key] = try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return .object(object)
                }
            case UInt8(ascii: "["):
                index += 1
                var array: [Value] = []
                skipSpace()
                if peek() == UInt8(ascii: "]") { index += 1; return .array(array) }
                while true {
                    array.append(try value(depth: depth + 1))
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return .array(array)
                }
            case UInt8(ascii: "\""):
                return .string(try text())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        /// A string's text, its escapes resolved; an unpaired surrogate is refused (as `JSONDecoder` does).
        mutating func text() throws(Failure) -> String {
            let start = index + 1
            let (raw, escaped, ascii) = try string()
            if !escaped {
                if ascii { return String(decoding: raw, as: UTF8.self) }   // ASCII is UTF-8 already
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw .syntax(offset: start, reason: "string is not valid UTF-8")
                }
                return text
            }
            guard String(validating: raw, as: UTF8.self) != nil else { throw .syntax(offset: start, reason: "string is not valid UTF-8") }
            let (text, paired) = StrictJSON.unescape(raw)
            guard paired else { throw .syntax(offset: start, reason: "unpaired UTF-16 surrogate in a \\u escape") }
            return text
        }

        mutating func literal(_ word: String) throws(Failure) {
            for c in word.utf8 {
                guard peek() == c else { throw .syntax(offset: index, reason: "invalid literal") }
                index += 1
            }
        }

        mutating func number() throws(Failure) -> String {
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
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Reads a string (the opening quote is next), validating its escapes; returns its raw bytes
        /// (``text()`` checks that they are UTF-8), whether it holds an escape, and whether it is ASCII.
        mutating func string() throws(Failure) -> (raw: ArraySlice<UInt8>, escaped: Bool, ascii: Bool) {
            try expect(UInt8(ascii: "\""))
            let start = index
            var escaped = false
            var ascii = true
            while true {
                guard let c = peek() else { throw .syntax(offset: index, reason: "unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    let raw = bytes[start..<index]
                    index += 1
                    return (raw, escaped, ascii)
                case UInt8(ascii: "\\"):
                    escaped = true
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
                case 0x80...:
                    ascii = false
                    index += 1
                default:
                    index += 1
                }
            }
        }
    }
}

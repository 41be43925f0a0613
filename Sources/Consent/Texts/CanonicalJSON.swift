/// A JSON value written in one canonical form (RFC 8785, JSON Canonicalization Scheme, for the
/// values used here: strings, booleans, arrays and objects, no numbers), so that the same texts
/// always give the same bytes and anyone can recompute their hash. `docs/texts.md` states the form
/// byte by byte; Python's `json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)`
/// writes the same bytes for these values.
indirect enum CanonicalJSON: Equatable, Sendable {
    case string(String)
    case bool(Bool)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The UTF-8 bytes: no whitespace, object members sorted by the UTF-16 code units of their
    /// names, strings escaped only where JSON requires it.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (i, name) in names.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(name, into: &out)
                out.append(UInt8(ascii: ":"))
                members[name]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])                  // \"
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])                  // \\
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00..<0x20:
                // \u00xx with lower-case hex digits.
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(scalar.value >> 4)])
                out.append(hexDigits[Int(scalar.value & 0xF)])
            default:
                Unicode.UTF8.encode(scalar) { out.append($0) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

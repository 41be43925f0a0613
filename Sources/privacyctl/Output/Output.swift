import Foundation

/// Everything `privacyctl` prints goes through here: results on stdout, messages on stderr.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(10)
        FileHandle.standardOutput.write(data)
    }

    /// A line of text; control characters in it are escaped (line breaks kept).
    static func line(_ text: String = "", terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((escaped(text, keepingLineBreaks: true) + terminator).utf8))
    }

    /// A message on stderr; control characters in it are escaped (line breaks kept).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((escaped(text, keepingLineBreaks: true) + "\n").utf8))
    }

    /// `text` made harmless for a terminal: every control character (C0, DEL, C1: a carriage
    /// return, an ANSI escape sequence's ESC or CSI) and every bidirectional override is shown as
    /// an escape such as `\r` or `\u{1B}`, so that text from the database (a name sent through
    /// the contact form) cannot move the cursor, rewrite what the DPO sees, or change colours.
    /// A backslash stays as it is. With `keepingLineBreaks`, `\n` stays a line break.
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func harmful(_ s: Unicode.Scalar) -> Bool {
            let v = s.value
            if v == 0x0A { return !keepingLineBreaks }
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x200E || v == 0x200F || v == 0x061C
        }
        guard text.unicodeScalars.contains(where: harmful) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            guard harmful(s) else { out.unicodeScalars.append(s); continue }
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// A plain text table: a header, a rule, rows; columns padded to the widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let rows = rows.map { $0.map { escaped($0) } }
        let widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        line(render(header))
        line(render(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { line(render(row)) }
    }
}

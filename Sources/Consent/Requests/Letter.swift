import Foundation

/// A letter to a person, independent of how it is printed: a heading block, sections with
/// paragraphs, lists and label–value rows, and an optional preformatted appendix.
public struct Letter: Sendable, Equatable {
    public var language: LetterLanguage
    public var sender: [String]
    public var date: String
    public var subject: String
    public var salutation: String
    public var sections: [Section]
    public var closing: [String]

    public struct Section: Sendable, Equatable {
        public var heading: String
        public var blocks: [Block]
    }

    public enum Block: Sendable, Equatable {
        case paragraph(String)
        case list([String])
        /// A labelled list, e.g. (a) … (h) or field → value.
        case rows([(String, String)])
        case preformatted(String)

        public static func == (a: Block, b: Block) -> Bool {
            switch (a, b) {
            case (.paragraph(let x), .paragraph(let y)): x == y
            case (.list(let x), .list(let y)): x == y
            case (.rows(let x), .rows(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            case (.preformatted(let x), .preformatted(let y)): x == y
            default: false
            }
        }
    }
}

public enum LetterLanguage: String, Sendable, CaseIterable {
    case de, en
}

public enum LetterFormat: String, Sendable, CaseIterable {
    case html, txt, json
}

extension Letter {
    /// HTML that prints on A4 (`@page`), every text escaped; one self-contained file.
    public func html() -> String {
        func e(_ s: String) -> String { Self.escape(s) }
        var out = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(subject))</title>
            <style>
            @page { size: A4; margin: 20mm 20mm 20mm 25mm; }
            body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; line-height: 1.45; color: #000; max-width: 170mm; margin: 0 auto; padding: 8mm 0; }
            header { margin-bottom: 10mm; }
            .sender { font-size: 9pt; }
            .date { text-align: right; }
            h1 { font-size: 13pt; margin: 8mm 0 4mm; }
            h2 { font-size: 11.5pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
            table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
            th, td { text-align: left; vertical-align: top; padding: 1mm 2mm 1mm 0; border-bottom: 0.2mm solid #999; }
            th { width: 32%; font-weight: bold; }
            td ul { margin: 0; padding-left: 4mm; }
            tr, li { break-inside: avoid; page-break-inside: avoid; }
            pre { font-size: 8pt; white-space: pre-wrap; word-break: break-all; border: 0.2mm solid #999; padding: 2mm; }
            @media print { body { padding: 0; } }
            </style>
            </head>
            <body>
            <header>
            <p class="sender">\(sender.map(e).joined(separator: "<br>"))</p>
            <p class="date">\(e(date))</p>
            </header>
            <h1>\(e(subject))</h1>
            <p>\(e(salutation))</p>

            """
        for section in sections {
            out += "<section>\n<h2>\(e(section.heading))</h2>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let p): out += "<p>\(e(p))</p>\n"
                case .list(let items): out += "<ul>\n" + items.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
                case .rows(let rows):
                    out += "<table>\n" + rows.map { "<tr><th scope=\"row\">\(e($0.0))</th><td>\(Self.cell($0.1))</td></tr>\n" }.joined() + "</table>\n"
                case .preformatted(let text): out += "<pre>\(e(text))</pre>\n"
                }
            }
            out += "</section>\n"
        }
        out += "<p>" + closing.map(e).joined(separator: "<br>") + "</p>\n</body>\n</html>\n"
        return out
    }

    /// Plain text for e-mail: lines of at most about 76 characters, lists with dashes.
    public func text() -> String {
        var lines: [String] = sender + ["", date, "", subject, String(repeating: "=", count: min(subject.count, 76)), "", salutation, ""]
        for section in sections {
            lines += [section.heading, String(repeating: "-", count: min(section.heading.count, 76)), ""]
            for block in section.blocks {
                switch block {
                case .paragraph(let p): lines += Self.wrap(p, indent: "") + [""]
                case .list(let items):
                    for item in items { lines += Self.wrap(item, indent: "  ", first: "- ") }
                    lines.append("")
                case .rows(let rows):
                    for (label, value) in rows { lines += Self.wrap(value, indent: "    ", first: label + ": ") }
                    lines.append("")
                case .preformatted(let text): lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""]
                }
            }
        }
        lines += closing
        return lines.joined(separator: "\n") + "\n"
    }

    /// A table cell: one value, or a list when the value has several lines.
    static func cell(_ value: String) -> String {
        let lines = value.split(separator: "\n").map(String.init)
        guard lines.count > 1 else { return escape(value) }
        return "<ul>" + lines.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
    }

    static func escape(_ s: String) -> String { DocumentWriter.esc(s) }

    /// Wraps `text` at word boundaries; the first line starts with `first` (or the indent).
    static func wrap(_ text: String, indent: String, first: String? = nil, width: Int = 76) -> [String] {
        var result: [String] = []
        for (n, paragraph) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = n == 0 ? (first ?? indent) : indent
            var empty = true
            for word in paragraph.split(separator: " ") {
                if !empty && line.count + 1 + word.count > width {
                    result.append(line)
                    line = indent
                    empty = true
                }
                line += (empty ? "" : " ") + word
                empty = false
            }
            result.append(line)
        }
        return result
    }
}

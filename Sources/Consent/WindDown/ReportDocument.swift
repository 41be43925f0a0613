import Foundation

/// A small document model (headings, paragraphs, lists, tables) rendered as Markdown or HTML, so
/// that the deletion report and the funder's statistics read the same in both formats.
public struct ReportDocument: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown = "md"
        case html

        /// `.html`/`.htm` → HTML, anything else Markdown.
        public static func from(path: String) -> Format {
            let ext = (path as NSString).pathExtension.lowercased()
            return ext == "html" || ext == "htm" ? .html : .markdown
        }
    }

    enum Block: Sendable {
        case heading(Int, String)
        case paragraph(String)
        case list([String])
        case table([String], [[String]])
        case code(String)
    }

    var title: String
    var language: String
    var blocks: [Block] = []

    mutating func h(_ level: Int, _ text: String) { blocks.append(.heading(level, text)) }
    mutating func p(_ text: String) { blocks.append(.paragraph(text)) }
    mutating func list(_ items: [String]) { if !items.isEmpty { blocks.append(.list(items)) } }
    mutating func table(_ header: [String], _ rows: [[String]]) { blocks.append(.table(header, rows)) }
    mutating func code(_ text: String) { blocks.append(.code(text)) }

    public func render(_ format: Format) -> String {
        switch format {
        case .markdown: markdown()
        case .html: html()
        }
    }

    private func markdown() -> String {
        var out = "# \(title)\n"
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        for block in blocks {
            out += "\n"
            switch block {
            case .heading(let level, let text): out += String(repeating: "#", count: level + 1) + " " + text + "\n"
            case .paragraph(let text): out += text + "\n"
            case .list(let items): out += items.map { "- " + $0 + "\n" }.joined()
            case .table(let header, let rows):
                out += "| " + header.map(cell).joined(separator: " | ") + " |\n"
                out += "|" + header.map { _ in " --- |" }.joined() + "\n"
                for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
            case .code(let text): out += "```\n" + text + (text.hasSuffix("\n") ? "" : "\n") + "```\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String { DocumentWriter.esc(s) }

    private func html() -> String {
        let e = Self.escape
        var out = """
            <!doctype html>
            <html lang="\(e(language))">
            <head>
            <meta charset="utf-8">
            <title>\(e(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;word-break:break-all}@media print{body{margin:0}}</style>
            </head>
            <body>
            <main>
            <h1>\(e(title))</h1>

            """
        for block in blocks {
            switch block {
            case .heading(let level, let text): out += "<h\(level + 1)>\(e(text))</h\(level + 1)>\n"
            case .paragraph(let text): out += "<p>\(e(text))</p>\n"
            case .list(let items): out += "<ul>\n" + items.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
            case .table(let header, let rows):
                out += "<table>\n<thead><tr>" + header.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for row in rows { out += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
                out += "</tbody>\n</table>\n"
            case .code(let text): out += "<pre>\(e(text))</pre>\n"
            }
        }
        return out + "</main>\n</body>\n</html>\n"
    }
}

import Foundation

/// Writes a ``Document`` as Markdown or as a complete, accessible, printable HTML page.
public enum DocumentWriter {
    /// Links the HTML page offers around the document (the server's routes); `nil` leaves them out.
    public struct PageLinks: Sendable {
        public var home: String?
        /// The same document in the other language: (language code, URL, label).
        public var otherLanguage: (code: String, url: String, label: String)?
        public init(home: String? = nil, otherLanguage: (code: String, url: String, label: String)? = nil) {
            self.home = home
            self.otherLanguage = otherLanguage
        }
    }

    public static func render(_ document: Document, as format: DocumentFormat, links: PageLinks = PageLinks()) -> String {
        switch format {
        case .md: markdown(document)
        case .html: html(document, links: links)
        }
    }

    // MARK: Markdown

    public static func markdown(_ d: Document) -> String {
        var out = "# \(md(d.title))\n\n"
        for b in d.intro { out += markdown(b) }
        for s in d.sections { out += markdown(s, level: 2) }
        return out
    }

    private static func markdown(_ s: Document.Section, level: Int) -> String {
        var out = ""
        if s.setApart {
            var inner = "**\(md(s.heading))**\n\n"
            for b in s.blocks { inner += markdown(b) }
            out += inner.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n") + "\n\n"
        } else {
            out += String(repeating: "#", count: level) + " \(md(s.heading))\n\n"
            for b in s.blocks { out += markdown(b) }
        }
        for sub in s.subsections { out += markdown(sub, level: level + 1) }
        return out
    }

    private static func markdown(_ b: Document.Block) -> String {
        switch b {
        case .paragraph(let t): return md(t) + "\n\n"
        case .strong(let t): return "**\(md(t))**\n\n"
        case .list(let items): return items.map { "- " + md($0) }.joined(separator: "\n") + "\n\n"
        case .facts(let pairs): return pairs.map { "- **\(md($0.label)):** \(md($0.value))" }.joined(separator: "\n") + "\n\n"
        }
    }

    /// Escapes what Markdown would read as markup (and raw HTML).
    static func md(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\", "*", "_", "`", "[", "]", "<", ">", "#", "|": out.append("\\"); out.append(c)
            case "\n": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }

    // MARK: HTML

    public static func html(_ d: Document, links: PageLinks = PageLinks()) -> String {
        let de = d.language == "de"
        var out = """
            <!doctype html>
            <html lang="\(esc(d.language))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(esc(d.title))</title>
            <style>\(css)</style>
            </head>
            <body>
            <a class="skip-link" href="#content">\(de ? "Zum Inhalt springen" : "Skip to content")</a>

            """
        if links.home != nil || links.otherLanguage != nil {
            out += "<header class=\"doc-header\">\n<nav aria-label=\"\(de ? "Navigation" : "Navigation")\"><ul>\n"
            if let home = links.home { out += "<li><a href=\"\(esc(home))\">\(de ? "Zur Startseite" : "Home page")</a></li>\n" }
            if let other = links.otherLanguage {
                out += "<li><a href=\"\(esc(other.url))\" hreflang=\"\(esc(other.code))\" lang=\"\(esc(other.code))\">\(esc(other.label))</a></li>\n"
            }
            out += "</ul></nav>\n</header>\n"
        }
        out += "<main id=\"content\" tabindex=\"-1\">\n<h1>\(esc(d.title))</h1>\n"
        for b in d.intro { out += html(b) }
        for s in d.sections { out += html(s, level: 2) }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    private static func html(_ s: Document.Section, level: Int) -> String {
        let h = "h\(min(level, 6))"
        let headingID = "h-" + s.id
        var out = s.setApart
            ? "<section id=\"\(esc(s.id))\" class=\"set-apart\" aria-labelledby=\"\(esc(headingID))\">\n"
            : "<section id=\"\(esc(s.id))\" aria-labelledby=\"\(esc(headingID))\">\n"
        out += "<\(h) id=\"\(esc(headingID))\">\(esc(s.heading))</\(h)>\n"
        for b in s.blocks { out += html(b) }
        for sub in s.subsections { out += html(sub, level: level + 1) }
        return out + "</section>\n"
    }

    private static func html(_ b: Document.Block) -> String {
        switch b {
        case .paragraph(let t): return "<p>\(linked(t))</p>\n"
        case .strong(let t): return "<p><strong>\(linked(t))</strong></p>\n"
        case .list(let items): return "<ul>\n" + items.map { "<li>\(linked($0))</li>\n" }.joined() + "</ul>\n"
        case .facts(let pairs):
            return "<dl>\n" + pairs.map { "<dt>\(esc($0.label))</dt>\n<dd>\(linked($0.value))</dd>\n" }.joined() + "</dl>\n"
        }
    }

    /// Escapes text for an HTML element or a quoted attribute.
    public static func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Escaped text in which `https://…` addresses and e-mail addresses become links.
    static func linked(_ text: String) -> String {
        var out = ""
        for (i, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out += " " }
            var core = Substring(word)
            var tail = ""
            while let last = core.last, ".,;:)".contains(last) { tail = String(last) + tail; core = core.dropLast() }
            if core.hasPrefix("https://"), core.count > 8 {
                out += "<a href=\"\(esc(String(core)))\">\(esc(String(core)))</a>" + esc(tail)
            } else if ContactForm.looksLikeEmail(String(core)) {
                out += "<a href=\"mailto:\(esc(String(core)))\">\(esc(String(core)))</a>" + esc(tail)
            } else {
                out += esc(String(word))
            }
        }
        return out
    }

    /// Readable on screen, with visible focus, and printable (no navigation, URLs kept visible).
    static let css = """
        body{margin:0;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1b1b1b;background:#fff}\
        main,.doc-header{max-width:48rem;margin:0 auto;padding:1rem 1.25rem}\
        main:focus{outline:none}\
        h1{font-size:1.8rem;line-height:1.25;color:#10243e}h2{font-size:1.35rem;margin-top:2rem;color:#10243e}h3{font-size:1.15rem;margin-top:1.5rem}\
        a{color:#0b4f9c;text-decoration:underline}a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}\
        dl{display:grid;grid-template-columns:minmax(9rem,14rem) 1fr;gap:.35rem 1rem;margin:.5rem 0 1rem}dt{font-weight:600}dd{margin:0}\
        .set-apart{border:3px solid #10243e;border-radius:6px;padding:.25rem 1.25rem 1rem;margin:2rem 0;background:#f3f6fa}\
        .skip-link{position:absolute;left:-999px;top:0;padding:.5rem 1rem;background:#10243e;color:#fff}.skip-link:focus{left:1rem;top:1rem;z-index:10}\
        .doc-header ul{list-style:none;display:flex;gap:1.5rem;padding:0;margin:0}\
        @media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}\
        @media print{.skip-link,.doc-header{display:none}body{font-size:11pt;color:#000}main{max-width:none;padding:0}\
        a{color:#000}a[href^="http"]::after{content:""}section{break-inside:auto}h2,h3{break-after:avoid}.set-apart{break-inside:avoid;background:none}}
        """
}

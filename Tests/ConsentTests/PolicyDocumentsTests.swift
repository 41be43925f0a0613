import Foundation
import Testing
@testable import Consent

/// The privacy notice (Art. 13) and the record of processing activities (Art. 30(1)) contain every
/// item the law asks for, in both languages and both formats, taken from the policy.
@Suite("Documents generated from the policy")
struct PolicyDocumentsTests {
    static let cases: [(String, DocumentFormat)] = [("de", .md), ("de", .html), ("en", .md), ("en", .html)]

    func render(_ kind: DocumentKind, _ lang: String, _ format: DocumentFormat, policy: Policy? = nil) throws -> String {
        let p = try policy ?? Fixtures.shippedPolicy()
        return DocumentWriter.render(p.document(kind, language: lang), as: format)
    }

    /// Markdown escapes `_`, HTML escapes quotes and `&`: compare without the escapes.
    func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("the notice names every Art. 13 item", arguments: cases)
    func notice(lang: String, format: DocumentFormat) throws {
        let policy = try Fixtures.shippedPolicy()
        let text = plain(try render(.notice, lang, format))
        let de = lang == "de"
        var needles = [
            policy.controller.name, policy.controller.address,                            // 13(1)(a)
            try #require(policy.dpo).email, try #require(policy.dpo).name,                // 13(1)(b)
            de ? "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 16 ThürDSG" : "Art. 6(1)(e) GDPR with § 16 ThürDSG",  // 13(1)(c)
            "§ 171e BauGB", de ? "§ 25 Abs. 2 Nr. 2 TDDDG" : "§ 25(2) no. 2 TDDDG",
            de ? "Art. 6 Abs. 1 lit. a DSGVO" : "Art. 6(1)(a) GDPR",
            "Google Ireland Limited", "DAA Deutsche Angestellten-Akademie GmbH",            // 13(1)(e), Art. 28
            "USA (Google LLC)", "2023/1795",                                               // 13(1)(f)
            "privacy_consent_id", de ? "365 Tage" : "365 days",                           // 13(2)(a): cookie
            de ? "3 Jahre" : "3 years", de ? "6 Monate" : "6 months",                      // 13(2)(a): records, requests
            policy.retention.first { $0.id == "consent-proof-after-expiry" }!.reason!.text(lang),
            policy.contactRequests.disclosure.provision!.text(lang),                      // 13(2)(e)
            de ? "Datenübertragbarkeit (Art. 20 DSGVO)" : "data portability (Art. 20 GDPR)",  // 13(2)(b)
            de ? "kein Recht auf Datenübertragbarkeit" : "no right to data portability",
            de ? "Widerruf Ihrer Einwilligung" : "withdrawal of your consent",             // 13(2)(c)
            "TLfDI",                                                                       // 13(2)(d)
            de ? "keine automatisierte Entscheidungsfindung" : "No automated decision-making", // 13(2)(f)
            "C-40/17",
        ]
        needles.append(de ? "Ihr Widerspruchsrecht (Art. 21 DSGVO)" : "Your right to object (Art. 21 GDPR)")
        for n in needles { #expect(text.contains(n), "missing '\(n)' (\(lang), \(format))") }
        // Art. 21(4): set apart from the rest.
        if format == .html {
            #expect(text.contains("<section id=\"widerspruch\" class=\"set-apart\""))
            #expect(text.hasPrefix("<!doctype html>\n<html lang=\"\(lang)\">"))
            #expect(text.contains("<main id=\"content\" tabindex=\"-1\">"))
            #expect(text.contains("@media print"))
        } else {
            #expect(text.contains("> **" + (de ? "Ihr Widerspruchsrecht" : "Your right to object")))
        }
    }

    @Test("the record of processing activities has one entry per processing with every Art. 30(1) item", arguments: cases)
    func ropa(lang: String, format: DocumentFormat) throws {
        let policy = try Fixtures.shippedPolicy()
        let text = plain(try render(.ropa, lang, format))
        let de = lang == "de"
        for a in policy.activities {
            #expect(text.contains(a.title.text(lang)), "no entry for \(a.id)")
            #expect(text.contains(try #require(a.disclosure.subjects).text(lang)))
            #expect(text.contains(try #require(a.disclosure.data).text(lang)))
            for r in a.disclosure.recipients { #expect(text.contains(r.text(lang))) }
        }
        for n in [policy.controller.name, try #require(policy.dpo).email, "Google Ireland Limited",
                  de ? "Löschfristen (lit. f)" : "Time limits for erasure (point f)",
                  de ? "Drittlandübermittlungen (lit. e)" : "Transfers to third countries (point e)",
                  "2023/1795", "Art. 32", "secure_delete", "TRUNCATE", "/24", "/48", "XChaCha20-Poly1305", "Argon2id",
                  "audit verify", de ? "Ablehnungen werden ohne IP-Präfix" : "Refusals are stored without IP prefix"] {
            #expect(text.contains(n), "missing '\(n)' (\(lang), \(format))")
        }
    }

    @Test("the notice follows the policy: the DAA reading names the interest and no objection notice is missing")
    func otherReading() throws {
        let path = URL(fileURLWithPath: Fixtures.policyPath).deletingLastPathComponent().appendingPathComponent("examples/daa-as-controller.yaml").path
        let policy = try PolicyParser.load(path: path)
        let text = try render(.notice, "de", .md, policy: policy)
        #expect(text.contains("Berechtigtes Interesse"))
        #expect(text.contains("Art. 6 Abs. 1 lit. f DSGVO"))
        #expect(!text.contains("Auftragsverarbeiter nach Art. 28"))
    }

    @Test("text from the policy is escaped in HTML and Markdown")
    func escaping() throws {
        let policy = try Fixtures.policy(("  name: \"Stadt Leinefelde-Worbis, Programmgebiet Sozialer Zusammenhalt Südstadt\"",
                                          "  name: \"<script>alert('x')</script> & \\\"Co\\\"\""))
        let html = try render(.notice, "de", .html, policy: policy)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"))
        let md = try render(.notice, "de", .md, policy: policy)
        #expect(!md.contains("<script>"))
        #expect(md.contains("\\<script\\>"))
    }
}

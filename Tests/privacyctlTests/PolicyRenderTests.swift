import Foundation
import Testing

@Suite("privacyctl policy render and the shipped policies")
struct PolicyRenderTests {
    @Test("both shipped readings pass policy check", arguments: ["policies/leinefelde-suedstadt.yaml", "policies/examples/daa-as-controller.yaml"])
    func check(path: String) throws {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(["policy", "check", CLIFixture.repoRoot.appendingPathComponent(path).path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("notice and record in both languages and formats, on stdout", arguments: [
        ("notice", "de", "md", "# Datenschutzerklärung"), ("notice", "en", "html", "<h1>Privacy notice</h1>"),
        ("ropa", "de", "html", "<h1>Verzeichnis von Verarbeitungstätigkeiten (Art. 30 Abs. 1 DSGVO)</h1>"),
        ("ropa", "en", "md", "# Record of processing activities (Art. 30(1) GDPR)"),
    ])
    func render(kind: String, lang: String, format: String, heading: String) throws {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(["policy", "render", kind, "--lang", lang, "--format", format])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(heading))
        #expect(result.stdout.contains("TLfDI") || kind == "ropa")
    }

    @Test("--out writes the file; --json wraps the text; a bad language or document is usage (exit 2)")
    func outAndErrors() throws {
        let cli = try CLIFixture(initialise: false)
        let file = cli.folder.appendingPathComponent("datenschutz.html").path
        let written = cli.run(["policy", "render", "notice", "--format", "html", "--out", file])
        #expect(written.status == 0, "\(written.stderr)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"de\">"))
        let json = cli.run(["policy", "render", "ropa", "--lang", "en", "--json"])
        let object = try #require(json.json as? [String: Any])
        #expect(object["document"] as? String == "ropa" && object["language"] as? String == "en")
        #expect((object["content"] as? String)?.contains("Art. 32") == true)
        #expect(cli.run(["policy", "render", "notice", "--lang", "fr"]).status == 2)
        #expect(cli.run(["policy", "render", "leaflet"]).status == 2)
    }
}

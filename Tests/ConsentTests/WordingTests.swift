import Foundation
import Testing
@testable import Consent

/// The German wording the review flagged, checked in the policy and the demo page.
@Suite("Wording of the shipped texts")
struct WordingTests {
    static let root = URL(fileURLWithPath: Fixtures.policyPath).deletingLastPathComponent().deletingLastPathComponent()
    static func file(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

    @Test("the banner says what is true: one cookie for the choice, 365 days; third-party content is loaded with consent")
    func banner() throws {
        let policy = try Fixtures.shippedPolicy()
        let body = try #require(policy.consent.texts["de"]?["body"])
        #expect(body.contains("ein notwendiges Cookie, das Ihre Cookie-Auswahl 365 Tage lang speichert"))
        #expect(body.contains("nur mit Ihrer Einwilligung durch Auswahl oder Klick auf „Alle akzeptieren“ geladen"))
        #expect(!body.contains("zwingend erforderlich"))
        let necessary = try #require(policy.purpose("necessary")).description.text("de")
        #expect(necessary.contains("z. B. zum Speichern Ihrer Cookie-Auswahl"))
        #expect(necessary.contains("365 Tage"))
    }

    @Test("Einwilligung throughout, never Zustimmung; voranzutreiben", arguments: [
        "policies/leinefelde-suedstadt.yaml", "policies/examples/daa-as-controller.yaml",
        "Sources/PrivacyServer/Resources/site/index.html", "Sources/PrivacyServer/Resources/site/consent.js",
        "Sources/PrivacyServer/Resources/site/site.js",
    ])
    func einwilligung(path: String) throws {
        let text = try Self.file(path)
        #expect(!text.contains("Zustimmung"))
        #expect(!text.contains("voran zu treiben"))
    }

    @Test("the demo page says voranzutreiben and links the generated notice")
    func page() throws {
        let html = try Self.file("Sources/PrivacyServer/Resources/site/index.html")
        #expect(html.contains("voranzutreiben"))
        #expect(html.contains("data-privacy-url=\"/datenschutz\""))
        #expect(!html.contains("ps_rights_text"))
    }
}

import Consent
import Foundation
import Testing

@Suite("privacyctl export: the Art. 15 / Art. 20 answer")
struct ExportCommandTests {
    @Test("the export holds every datum of the person, decrypted, the Art. 15 information, and nobody else's data")
    func fieldByField() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent(method: .acceptAll)
        let reference = try await cli.submitContact(name: "Erika Mustermann", email: "Erika@Example.org", consentID: consent.consentID)
        _ = try await cli.submitContact(name: "Max Nachbar", email: "max@example.org")
        let out = cli.folder.appendingPathComponent("answer.json").path
        let result = cli.run(["export", "--email", "erika@example.org", "--out", out])
        #expect(result.status == 0)
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(!data.contains(Array("Max Nachbar".utf8)))
        #expect(!data.contains(Array("max@example.org".utf8)))
        let export = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(export["format"] as? String == "privacy-engine-export/1")
        #expect((export["subject"] as? [String: String])?["email"] == "erika@example.org")
        let controller = try #require(export["controller"] as? [String: Any])
        #expect((controller["address"] as? String)?.contains("Leinefelde-Worbis") == true)
        // The office that runs the programme on the town's behalf is named as processor.
        #expect((controller["processors"] as? [String])?.contains { $0.contains("Käthe-Kollwitz-Straße 20") } == true)
        #expect((controller["dpo"] as? [String: Any])?["email"] as? String != nil)
        let info = try #require(export["information"] as? [String: Any])
        for key in ["purposes", "categories_of_data", "recipients", "storage_period", "rights"] {
            #expect(((info[key] as? [Any])?.count ?? 0) > 0, "\(key) is empty")
        }
        for key in ["right_to_complain", "source", "automated_decision_making", "third_country_transfers"] {
            #expect(((info[key] as? String)?.count ?? 0) > 10, "\(key) is empty")
        }
        #expect((info["right_to_complain"] as? String)?.contains("TLfDI") == true)
        #expect((info["rights"] as? [String])?.contains { $0.contains("Art. 17") } == true)
        let held = try #require(export["data"] as? [String: Any])
        let contacts = try #require(held["contact_requests"] as? [[String: Any]])
        #expect(contacts.count == 1)
        let c = contacts[0]
        #expect(c["reference"] as? String == reference.rawValue)
        #expect(c["name"] as? String == "Erika Mustermann")
        #expect(c["email"] as? String == "Erika@Example.org")
        #expect(c["phone"] as? String == "+49 3605 555")
        #expect(c["message"] as? String == "Nachricht von Erika Mustermann")
        #expect(c["callback_time"] as? String == "Mo 11-14")
        #expect(c["received_at"] as? String == "2024-06-01T10:00:00.000Z")
        let consents = try #require(held["consents"] as? [[String: Any]])
        #expect(consents.count == 1)
        #expect(consents.first?["consent_id"] as? String == consent.consentID)
        #expect(((consents.first?["entries"] as? [[String: Any]])?.first?["method"] as? String) == "accept_all")
        #expect(cli.run(["audit", "log"]).stdout.contains("export"))
    }

    @Test("by consent id: the consent history and the requests sent with it")
    func byConsentID() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent()
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org", consentID: consent.consentID)
        let out = cli.folder.appendingPathComponent("a.json").path
        let result = cli.run(["export", "--consent-id", consent.consentID, "--out", out, "--json"])
        #expect(result.status == 0)
        let summary = try #require(result.json as? [String: Any])
        #expect(summary["contact_requests"] as? Int == 1)
        #expect(summary["consent_entries"] as? Int == 1)
    }

    @Test("a person of whom nothing is held: exit 3 and no file")
    func nothingHeld() throws {
        let cli = try CLIFixture()
        let out = cli.folder.appendingPathComponent("none.json").path
        let result = cli.run(["export", "--email", "nobody@example.org", "--out", out])
        #expect(result.status == 3)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

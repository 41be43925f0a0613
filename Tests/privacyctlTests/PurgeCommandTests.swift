import Consent
import Foundation
import Testing

@Suite("privacyctl purge: retention as of now or PRIVACY_NOW")
struct PurgeCommandTests {
    func rule(_ report: Any?, _ id: String) -> [String: Any]? {
        ((report as? [String: Any])?["rules"] as? [[String: Any]])?.first { $0["rule"] as? String == id }
    }

    @Test("contact requests: none due at 2024-12-31T23:59:59+01:00, all at 2025-01-01T00:00:00+01:00; dry run counts the same and changes nothing")
    func programmeEndBoundary() async throws {
        let cli = try CLIFixture()
        for i in 0..<3 { _ = try await cli.submitContact(name: "P\(i)", email: "p\(i)@example.org", at: "2024-12-20T10:00:00+01:00") }
        let before = cli.run(["purge", "--dry-run", "--json"], env: ["PRIVACY_NOW": "2024-12-31T23:59:59+01:00"])
        #expect(before.status == 0)
        #expect(rule(before.json, "contacts-at-programme-end")?["due"] as? Int == 0)

        let dry = cli.run(["purge", "--dry-run", "--json"], env: ["PRIVACY_NOW": "2025-01-01T00:00:00+01:00"])
        #expect(rule(dry.json, "contacts-at-programme-end")?["due"] as? Int == 3)
        #expect(rule(dry.json, "contacts-at-programme-end")?["done"] as? Int == 0)
        #expect((cli.run(["contacts", "list", "--json"]).json as? [Any])?.count == 3)

        let real = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2025-01-01T00:00:00+01:00"])
        #expect(real.status == 0)
        #expect(rule(real.json, "contacts-at-programme-end")?["due"] as? Int == 3)
        #expect(rule(real.json, "contacts-at-programme-end")?["done"] as? Int == 3)
        #expect((cli.run(["contacts", "list", "--json"]).json as? [Any])?.count == 0)

        let again = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2025-01-01T00:00:00+01:00"])
        #expect(rule(again.json, "contacts-at-programme-end")?["done"] as? Int == 0, "a second run finds nothing")
        let log = cli.run(["audit", "log", "--json"]).stdout
        #expect(log.contains("\"purge\""))
        #expect(cli.run(["audit", "verify"]).status == 0)
    }

    @Test("an open request keeps a due record and the purge reports it")
    func holdReported() async throws {
        let cli = try CLIFixture()
        let reference = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        #expect(cli.run(["hold", "add", "--reference", reference.rawValue, "--kind", "open_request"]).status == 0)
        let result = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2025-02-01T00:00:00+01:00"])
        #expect((rule(result.json, "contacts-at-programme-end")?["held"] as? [String: Int])?["open_request"] == 1)
        #expect(cli.run(["contacts", "show", reference.rawValue]).status == 0)
        let table = cli.run(["purge"], env: ["PRIVACY_NOW": "2025-02-01T00:00:00+01:00"])
        #expect(table.stdout.contains("open_request"))
    }

    @Test("withdrawn consents are kept as proof for three years, then deleted; the chain still verifies")
    func consentProof() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        #expect(cli.run(["consent", "revoke", state.consentID]).status == 0)
        let early = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2027-05-31T12:00:00+02:00"])
        #expect(rule(early.json, "consent-proof-after-withdrawal")?["due"] as? Int == 0)
        let late = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2027-06-01T12:00:00+02:00"])
        #expect(rule(late.json, "consent-proof-after-withdrawal")?["done"] as? Int == 2)
        #expect(cli.run(["consent", "show", state.consentID]).status == 3)
        #expect(cli.run(["audit", "verify"]).status == 0)
    }
}

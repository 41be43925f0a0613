import Consent
import Foundation
import Testing

@Suite("privacyctl consent show | history | revoke | stats")
struct ConsentCommandsTests {
    @Test("show and history report what the ledger holds")
    func showAndHistory() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent(method: .acceptAll)
        _ = try await cli.recordConsent(method: .rejectAll, id: ConsentID(state.consentID))
        let show = cli.run(["consent", "show", state.consentID, "--json"])
        #expect(show.status == 0)
        let current = try #require(show.json as? [String: Any])
        #expect(current["method"] as? String == "reject_all")
        #expect((current["purposes"] as? [String: Bool]) == ["necessary": true, "external_media": false])
        let history = cli.run(["consent", "history", state.consentID, "--json"])
        let entries = try #require(history.json as? [[String: Any]])
        #expect(entries.map { $0["method"] as? String } == ["accept_all", "reject_all"])
        #expect(entries.first?["ip_prefix"] as? String == "203.0.113.0")
        let table = cli.run(["consent", "show", state.consentID])
        #expect(table.status == 0 && table.stdout.contains("reject_all"))
    }

    @Test("unknown ids exit 3 saying what was looked for", arguments: [["consent", "show"], ["consent", "history"], ["consent", "revoke"]])
    func unknown(command: [String]) throws {
        let cli = try CLIFixture()
        let result = cli.run(command + ["0123456789abcdef0123456789abcdef"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("0123456789abcdef0123456789abcdef"))
    }

    @Test("revoke is a new ledger entry by the DPO with the reason, audited without the id")
    func revoke() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        let result = cli.run(["consent", "revoke", state.consentID, "--reason", "letter of 2024-06-03", "--json"])
        #expect(result.status == 0)
        let revoked = try #require(result.json as? [String: Any])
        #expect(revoked["method"] as? String == "withdraw")
        #expect(revoked["source"] as? String == "dpo")
        let history = try #require(cli.run(["consent", "history", state.consentID, "--json"]).json as? [[String: Any]])
        #expect(history.count == 2)
        #expect(history.last?["reason"] as? String == "letter of 2024-06-03")
        let log = cli.run(["audit", "log", "--json"])
        #expect(log.stdout.contains("consent.revoke"))
        #expect(!log.stdout.contains(state.consentID))
        #expect(cli.run(["audit", "verify"]).status == 0)
    }

    @Test("stats count choices per day, method and purpose")
    func stats() async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent(method: .acceptAll, at: "2024-06-01T10:00:00+02:00")
        _ = try await cli.recordConsent(method: .acceptAll, at: "2024-06-01T23:30:00+02:00")
        _ = try await cli.recordConsent(method: .rejectAll, at: "2024-06-02T00:30:00+02:00")
        let all = try #require(cli.run(["consent", "stats", "--json"]).json as? [[String: Any]])
        let rows = all.map { "\($0["day"]!) \($0["method"]!) \($0["choices"]!)" }
        #expect(rows == ["2024-06-01 accept_all 2", "2024-06-02 reject_all 1"])
        let since = try #require(cli.run(["consent", "stats", "--since", "2024-06-02", "--json"]).json as? [[String: Any]])
        #expect(since.count == 1)
        #expect((since.first?["granted"] as? [String: Int])?["external_media"] == 0)
    }
}

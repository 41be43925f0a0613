@testable import Consent
import Foundation
import GRDB
import Testing

@Suite("privacyctl audit verify and policy check")
struct AuditAndPolicyTests {
    @Test("an edited, deleted or reordered ledger entry: exit 4 naming the first bad entry", arguments: [
        "UPDATE consent_ledger SET purposes = '{\"external_media\":true,\"necessary\":true}' WHERE seq = 2",
        "DELETE FROM consent_ledger WHERE seq = 2",
        "UPDATE consent_ledger SET prev_hash = (SELECT prev_hash FROM consent_ledger WHERE seq = 3) WHERE seq = 2",
    ])
    func tampering(sql: String) async throws {
        let cli = try CLIFixture()
        for method in [ConsentMethod.acceptAll, .rejectAll, .acceptAll] { _ = try await cli.recordConsent(method: method) }
        #expect(cli.run(["audit", "verify"]).status == 0)
        try await cli.store().pool.write { db in try db.execute(sql: sql) }
        let result = cli.run(["audit", "verify"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("#2"))
        let json = cli.run(["audit", "verify", "--json"])
        #expect(json.status == 4)
        let chains = try #require((json.json as? [String: Any])?["chains"] as? [[String: Any]])
        #expect((chains.first?["first_bad"] as? [String: Any])?["seq"] as? Int == 2)
    }

    @Test("a tampered audit log is found too")
    func auditLogTampering() async throws {
        let cli = try CLIFixture()
        _ = try await cli.submitContact(name: "E", email: "e@example.org")
        cli.run(["contacts", "list"])
        cli.run(["contacts", "list"])
        try await cli.store().pool.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'nobody' WHERE seq = 1") }
        let result = cli.run(["audit", "verify"])
        #expect(result.status == 4)
        #expect(result.stdout.contains("audit_log: BROKEN at entry 1"))
    }

    @Test("policy check passes the shipped policy")
    func shippedPolicy() throws {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(["policy", "check", CLIFixture.policyPath])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OK"))
    }

    @Test("policy check names the file, the line and the rule of every error (exit 2)", arguments: [
        ("  end_date: 2024-12-31", "  end_date: 2024-13-31", "bad-date"),
        ("    after: P6M", "    after: six months", "bad-duration"),
        ("time_zone: Europe/Berlin", "time_zone: Europe/Leinefelde", "bad-time-zone"),
        ("    data: contact_requests\n    starts: received", "    starts: received", "missing-data-kind"),
        ("format: 2", "format: 2\ncolour: blue", "unknown-key"),
    ])
    func brokenPolicy(original: String, replacement: String, rule: String) throws {
        let cli = try CLIFixture(initialise: false)
        let text = try String(contentsOfFile: CLIFixture.policyPath, encoding: .utf8)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: replacement)
        let file = cli.folder.appendingPathComponent("broken.yaml").path
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let lineOfChange = broken.components(separatedBy: "\n").firstIndex { replacement.components(separatedBy: "\n").last!.contains($0) && !$0.isEmpty }.map { $0 + 1 }
        let result = cli.run(["policy", "check", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("[\(rule)]"))
        #expect(result.stderr.contains(file + ":"))
        if let line = lineOfChange, rule != "missing-data-kind" {
            #expect(result.stderr.contains("\(file):\(line):"), "expected line \(line) in \(result.stderr)")
        }
        let json = cli.run(["policy", "check", file, "--json"])
        #expect(json.status == 2)
        #expect((json.json as? [String: Any])?["ok"] as? Bool == false)
    }
}

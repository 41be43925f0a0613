@testable import Consent
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Testing

/// `consent show ID --texts` and `serve`'s refusal of changed texts, with the real binary (issue 11).
@Suite("privacyctl: the texts a consent was given to", .serialized)
struct ConsentTextsCommandTests: ServeSupport {
    /// The shipped policy with `edits`, written next to the fixture's database.
    func policyFile(_ cli: CLIFixture, _ name: String, _ edits: [(String, String)]) throws -> String {
        var text = try String(contentsOfFile: CLIFixture.policyPath, encoding: .utf8)
        for (old, new) in edits {
            try #require(text.contains(old), "the shipped policy no longer contains \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = cli.folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every banner body (German and English) begins with a new sentence.
    static let newBody = ("      body: \"", "      body: \"Neu formuliert. ")
    static let newVersion = ("policy_version: \"2024-03-01\"", "policy_version: \"2024-09-01\"")

    func keptLanguages(_ cli: CLIFixture, version: String) throws -> [String] {
        try DatabaseQueue(path: cli.database).read { db in
            try String.fetchAll(db, sql: "SELECT language FROM policy_texts WHERE policy_version = ? ORDER BY language", arguments: [version])
        }
    }

    /// A loopback port nobody listens on now.
    /// Starts `privacyctl serve`; stderr goes to a file the test can read.
    func startServe(_ cli: CLIFixture, port: Int, policy: String? = nil) throws -> (Process, URL) {
        let log = cli.folder.appendingPathComponent("serve-\(port).log")
        let process = try startServer(cli, port: port, arguments: ["--purge-interval", "off"] + (policy.map { ["--policy", $0] } ?? []), log: log)
        return (process, log)
    }

    func healthy(_ port: Int) async -> Bool {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    @Test("serve keeps the texts of its version at start, before any consent; show --texts prints them after the policy changed")
    func keptAtStartAndShownLater() async throws {
        let cli = try CLIFixture()
        #expect(try keptLanguages(cli, version: "2024-03-01").isEmpty)
        let port = freePort()
        let (server, log) = try startServe(cli, port: port)
        defer { if server.isRunning { server.terminate() }; server.waitUntilExit() }
        var up = false
        for _ in 0..<150 where !up {
            up = await healthy(port)
            if !up { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        try #require(up, "serve did not start: \(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))")
        #expect(try keptLanguages(cli, version: "2024-03-01") == ["de", "en"])

        // A consent through the placeholder button (one service), as the banner sends it.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/consents")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{"necessary":true,"external_media":false},"services":{"youtube":true,"google_maps":false},"language":"de"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let id = try #require(body["consent_id"] as? String)
        let receiptHash = try #require((body["receipt"] as? [String: Any])?["texts_hash"] as? String)
        server.terminate()
        server.waitUntilExit()

        // The policy file changes (new texts, new version): the entry's texts are still shown as kept.
        let changed = try policyFile(cli, "changed.yaml", [Self.newBody, Self.newVersion])
        let human = cli.run(["consent", "show", id, "--texts", "--policy", changed])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("2024-03-01"))
        let shippedBody = try #require(try cli.policy().consent.texts["de"]?["body"])
        #expect(human.stdout.contains("body: \(shippedBody)"))
        #expect(!human.stdout.contains("Neu formuliert"))
        #expect(human.stdout.contains("placeholder_button: {service} erlauben und laden"))
        #expect(human.stdout.contains("always_active: Immer aktiv"))
        #expect(human.stdout.contains(receiptHash))

        let json = cli.run(["consent", "show", id, "--texts", "--json", "--policy", changed])
        #expect(json.status == 0)
        let object = try #require(json.json as? [String: Any])
        #expect(object["texts_hash"] as? String == receiptHash)
        #expect(object["consent_id"] as? String == id)
        let texts = try #require(object["texts"] as? [String: Any])
        #expect(texts["policy_version"] as? String == "2024-03-01")
        #expect(texts["language"] as? String == "de")
        #expect((texts["banner_strings"] as? [String: String])?["gpc"]?.contains("Global Privacy Control") == true)
        #expect((texts["texts"] as? [String: String])?["body"] == shippedBody)

        // The plain state is unchanged by the flag's existence.
        #expect(cli.run(["consent", "show", id, "--json"]).status == 0)
        #expect(cli.run(["audit", "verify"]).status == 0)
    }

    @Test("serve refuses other texts under a kept policy_version: exit 2, naming the version, what differs and the fix")
    func serveRefusesChangedTexts() async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent()  // keeps the German texts of 2024-03-01
        let changed = try policyFile(cli, "changed.yaml", [Self.newBody, ("always_active: \"Immer aktiv\"", "always_active: \"Stets aktiv\"")])
        let (server, log) = try startServe(cli, port: freePort(), policy: changed)
        var waited = 0
        while server.isRunning && waited < 300 {
            try await Task.sleep(nanoseconds: 100_000_000)
            waited += 1
        }
        if server.isRunning { server.terminate() }
        server.waitUntilExit()
        let output = String(decoding: try Data(contentsOf: log), as: UTF8.self)
        #expect(server.terminationReason == .exit && server.terminationStatus == 2, "\(output)")
        #expect(output.contains("policy_version 2024-03-01"))
        #expect(output.contains("texts.body changed"))
        #expect(output.contains("banner_strings.always_active changed"))
        #expect(output.contains("set a new `policy_version`"))
        #expect(try keptLanguages(cli, version: "2024-03-01") == ["de"])

        // The DPO's revocation under the changed file is refused the same way and records nothing.
        let consents = try await DatabaseQueue(path: cli.database).read { db in try String.fetchAll(db, sql: "SELECT consent_id FROM consent_ledger") }
        let revoke = cli.run(["consent", "revoke", consents[0], "--policy", changed])
        #expect(revoke.status == 2)
        #expect(revoke.stderr.contains("policy_version 2024-03-01"))
        let count = try await DatabaseQueue(path: cli.database).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger") }
        #expect(count == 1)

        // With the version bumped, the same file is accepted.
        let bumped = try policyFile(cli, "bumped.yaml", [Self.newBody, Self.newVersion])
        let revoked = cli.run(["consent", "revoke", consents[0], "--policy", bumped])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try keptLanguages(cli, version: "2024-09-01") == ["de"])
    }

    @Test("audit verify checks every kept texts document: an edited one exits 4 naming its version and language")
    func verifyChecksKeptTexts() async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent()
        let clean = cli.run(["audit", "verify"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("policy texts: OK"), "\(clean.stdout)")
        try await cli.store().pool.write { db in
            try db.execute(sql: "UPDATE policy_texts SET document = replace(document, 'Cookies', 'Kekse')")
        }
        let edited = cli.run(["audit", "verify"])
        #expect(edited.status == 4)
        #expect(edited.stderr.contains("kept texts of ") && edited.stderr.contains("does not hash to its address"), "\(edited.stderr)")
        let json = cli.run(["audit", "verify", "--json"])
        #expect(json.status == 4)
        let problems = ((json.json as? [String: Any])?["policy_texts"] as? [String: Any])?["problems"] as? [String]
        #expect(problems?.isEmpty == false)
    }

    @Test("an entry whose texts were never kept (recorded before this change) exits 3 and says why")
    func neverKept() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        try await DatabaseQueue(path: cli.database).write { db in try db.execute(sql: "DELETE FROM policy_texts") }
        for args in [["--texts"], ["--texts", "--json"]] {
            let result = cli.run(["consent", "show", state.consentID] + args)
            #expect(result.status == 3)
            #expect(result.stderr.contains("were never kept"))
            #expect(result.stderr.contains("entry #1"))
            #expect(result.stdout.isEmpty)
        }
        #expect(cli.run(["consent", "show", "no-such-consent-id", "--texts"]).status == 3)
        #expect(cli.run(["audit", "verify"]).status == 0)
    }
}

import Foundation
import Testing

/// Files with personal data are new, 0600 and never reached through a link; text from the database
/// cannot drive the DPO's terminal.
@Suite("Output files and terminal text")
struct FileAndTerminalSafetyTests {
    func mode(_ path: String) -> Int? {
        try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("export refuses an existing file (exit 2, untouched); --force replaces it, 0600")
    func existingFile() async throws {
        let cli = try CLIFixture()
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let out = cli.folder.appendingPathComponent("answer.json").path
        FileManager.default.createFile(atPath: out, contents: Data("keep me".utf8), attributes: [.posixPermissions: 0o644])
        let refused = cli.run(["export", "--email", "erika@example.org", "--out", out])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
        let forced = cli.run(["export", "--email", "erika@example.org", "--out", out, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("erika@example.org"))
        #expect(mode(out) == 0o600)
    }

    @Test("export never writes through a symbolic link, not even with --force")
    func symlink() async throws {
        let cli = try CLIFixture()
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let target = cli.folder.appendingPathComponent("victim.txt").path
        let dangling = cli.folder.appendingPathComponent("nowhere.txt").path
        FileManager.default.createFile(atPath: target, contents: Data("do not touch".utf8))
        for (name, destination) in [("link.json", target), ("dangling.json", dangling)] {
            let link = cli.folder.appendingPathComponent(name).path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: destination)
            #expect(cli.run(["export", "--email", "erika@example.org", "--out", link]).status == 2)
            #expect(!FileManager.default.fileExists(atPath: dangling), "the link's target was created")
            let forced = cli.run(["export", "--email", "erika@example.org", "--out", link, "--force"])
            #expect(forced.status == 0, "\(forced.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: link)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "the link was replaced by a file")
            #expect(mode(link) == 0o600)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "do not touch")
        #expect(!FileManager.default.fileExists(atPath: dangling))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("control characters from the database are escaped in tables: a carriage return or an ANSI escape cannot rewrite the screen")
    func escapedText() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        let reason = "letter\r\u{1B}[2J\u{1B}[31mall fine\u{9B}1m\u{202E}"
        #expect(cli.run(["consent", "revoke", state.consentID, "--reason", reason]).status == 0)
        let shown = cli.run(["consent", "history", state.consentID])
        #expect(shown.status == 0)
        for raw in ["\r", "\u{1B}", "\u{9B}", "\u{202E}"] { #expect(!shown.stdout.contains(raw), "raw \(raw.unicodeScalars.first!.value) printed") }
        #expect(shown.stdout.contains(#"letter\r\u{1B}[2J\u{1B}[31mall fine\u{9B}1m\u{202E}"#))
        // JSON keeps the exact text (escaped by JSON itself).
        let history = try #require(cli.run(["consent", "history", state.consentID, "--json"]).json as? [[String: Any]])
        #expect(history.last?["reason"] as? String == reason)
    }

    @Test("consent history --json names the consent id in every entry")
    func historyNamesID() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        #expect(cli.run(["consent", "revoke", state.consentID]).status == 0)
        let history = try #require(cli.run(["consent", "history", state.consentID, "--json"]).json as? [[String: Any]])
        #expect(history.count == 2)
        #expect(history.allSatisfy { $0["consent_id"] as? String == state.consentID })
    }

    @Test("contacts reindex runs with the secret key, is audited without personal data, and can run again")
    func reindex() async throws {
        let cli = try CLIFixture()
        _ = try await cli.submitContact(name: "Jürgen", email: "Juergen.Mueller@Bücherei-Südstadt.example")
        let first = try #require(cli.run(["contacts", "reindex", "--json"]).json as? [String: Any])
        #expect(first["examined"] as? Int == 1)
        #expect(first["updated"] as? Int == 0)
        let again = cli.run(["contacts", "reindex"])
        #expect(again.status == 0 && again.stdout.contains("1 contact requests examined"))
        let found = cli.run(["export", "--email", "juergen.mueller@xn--bcherei-sdstadt-zvbi.example",
                             "--out", cli.folder.appendingPathComponent("j.json").path])
        #expect(found.status == 0, "\(found.stderr)")
        let log = cli.run(["audit", "log"]).stdout
        #expect(log.contains("contacts.reindex"))
        #expect(!log.contains("Juergen") && !log.lowercased().contains("bücherei"))
    }
}

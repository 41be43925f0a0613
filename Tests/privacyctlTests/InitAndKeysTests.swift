import Foundation
import Testing

@Suite("privacyctl init, keys init and the key files")
struct InitAndKeysTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    @Test("init creates the database and a key pair, all 0600; run again it keeps the keys")
    func initialise() throws {
        let cli = try CLIFixture()
        #expect(mode(cli.database) == 0o600)
        #expect(mode(cli.keyDir + "/vault.key") == 0o600)
        #expect(mode(cli.keyDir + "/vault.pub") == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.key"))
        #expect(!before.contains(Array(cli.passphrase.utf8)))
        let again = cli.run(["init"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("kept the existing pair"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.key")) == before)
    }

    @Test("keys init refuses to overwrite a pair (exit 1, says what to do)")
    func keysInitRefuses() throws {
        let cli = try CLIFixture()
        let result = cli.run(["keys", "init"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("keys rotate"))
    }

    @Test("a wrong passphrase is exit 4 with a clear message")
    func wrongPassphrase() throws {
        let cli = try CLIFixture()
        let result = cli.run(["contacts", "list"], env: ["PRIVACY_PASSPHRASE": "not the passphrase"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("wrong passphrase"))
    }

    @Test("a missing key file is refused, naming the fix")
    func missingKeyFile() throws {
        let cli = try CLIFixture()
        try FileManager.default.removeItem(atPath: cli.keyDir + "/vault.key")
        let result = cli.run(["contacts", "list"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("keys init"))
    }

    @Test("a secret key file readable by others is refused", arguments: [0o644, 0o640, 0o604])
    func readableKeyFile(mode: Int) throws {
        let cli = try CLIFixture()
        chmod(cli.keyDir + "/vault.key", mode_t(mode))
        let result = cli.run(["contacts", "list"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("chmod 600"))
    }

    @Test("without a passphrase and without a terminal: exit 2, saying where a passphrase comes from")
    func noPassphrase() throws {
        let cli = try CLIFixture()
        let result = cli.run(["contacts", "list"], env: ["PRIVACY_PASSPHRASE": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("PRIVACY_PASSPHRASE"))
    }

    @Test("the passphrase can come from a 0600 file; a world-readable one is refused")
    func passphraseFile() throws {
        let cli = try CLIFixture()
        let file = cli.folder.appendingPathComponent("pass").path
        FileManager.default.createFile(atPath: file, contents: Data((cli.passphrase + "\n").utf8), attributes: [.posixPermissions: 0o600])
        #expect(cli.run(["contacts", "list", "--passphrase-file", file], env: ["PRIVACY_PASSPHRASE": ""]).status == 0)
        chmod(file, 0o644)
        #expect(cli.run(["contacts", "list", "--passphrase-file", file], env: ["PRIVACY_PASSPHRASE": ""]).status == 1)
    }
}

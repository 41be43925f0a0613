import Testing

@Suite("Usage: help that teaches, exit codes of the contract")
struct UsageTests {
    @Test("--help exits 0 on every command", arguments: [
        [], ["init"], ["keys", "rotate"], ["serve"], ["policy", "check"], ["consent", "revoke"], ["contacts", "list"],
        ["export"], ["erase"], ["purge"], ["audit", "verify"], ["hold", "add"],
    ])
    func help(command: [String]) throws {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
    }

    @Test("bad usage exits 2 (not 64) with a message", arguments: [
        ["no-such-command"], ["export", "--email", "a@example.org"], ["export", "--out", "x.json"],
        ["export", "--email", "a@example.org", "--consent-id", "abcdefgh", "--out", "x.json"], ["erase"],
        ["erase", "--email", "not-an-address"], ["serve", "--port", "70000"], ["purge", "--no-such-flag"],
    ])
    func badUsage(command: [String]) throws {
        let cli = try CLIFixture(initialise: false)
        let result = cli.run(command)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test("an invalid PRIVACY_NOW is bad input (exit 2)")
    func badClock() throws {
        let cli = try CLIFixture()
        let result = cli.run(["purge", "--dry-run"], env: ["PRIVACY_NOW": "yesterday"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("PRIVACY_NOW"))
    }
}

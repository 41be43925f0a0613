import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Testing
import Vault
@testable import Consent

/// `audit checkpoint`, `audit verify --checkpoint`, `keys init` on an old key folder, and the
/// vault.pub pin enforced by the real `serve`.
@Suite("Transparency log and key pin through the CLI", .serialized)
struct TransparencyCommandTests: ServeSupport {
    static let contact = #"{"name":"Erika","email":"erika@example.org","message":"Bitte rufen Sie an.","privacy_notice_accepted":true}"#

    /// A `vault.pub` of a key pair nobody pinned (what whoever can write the key folder would put there).
    func foreignPublicKeyFile() throws -> Data {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = Array("x".utf8)
        try KeyDirectory(path: dir).write(keyPair: try VaultKeyPair.generate(), indexKey: try IndexKey.generate(),
                                          passphrase: try Passphrase(wiping: &bytes), limits: PasswordHashLimits(opsLimit: 1, memLimit: 8 << 20))
        return try Data(contentsOf: URL(fileURLWithPath: dir + "/vault.pub"))
    }

    func replaceVaultPub(_ cli: CLIFixture, with data: Data) throws {
        let path = cli.keyDir + "/vault.pub"
        try data.write(to: URL(fileURLWithPath: path + ".tmp"))
        chmod(path + ".tmp", 0o600)
        #expect(rename(path + ".tmp", path) == 0)
    }

    @Test("init writes audit.key (0600) and audit.pub (one verifier-key line); keys init adds them to an old folder, keeping the vault pair")
    func auditKeys() throws {
        let cli = try CLIFixture()
        let pub = try String(contentsOfFile: cli.keyDir + "/audit.pub", encoding: .utf8)
        #expect(pub.hasPrefix("leinefelde-suedstadt.de/consent-ledger+") || pub.contains("/consent-ledger+"))
        #expect(try NoteVerifier(parsing: pub).publicKey.count == 32)
        let mode = (try FileManager.default.attributesOfItem(atPath: cli.keyDir + "/audit.key")[.posixPermissions] as? Int) ?? -1
        #expect(mode == 0o600)
        // A key folder from before this version: no audit pair.
        let vaultPub = try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.pub"))
        try FileManager.default.removeItem(atPath: cli.keyDir + "/audit.key")
        try FileManager.default.removeItem(atPath: cli.keyDir + "/audit.pub")
        let result = cli.run(["keys", "init"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.pub")) == vaultPub)
        #expect(FileManager.default.fileExists(atPath: cli.keyDir + "/audit.key"))
        #expect(cli.run(["keys", "init"]).status == 1)
        // A readable audit.key is refused.
        chmod(cli.keyDir + "/audit.key", 0o644)
        #expect(cli.run(["audit", "checkpoint"]).status != 0)
    }

    @Test("audit checkpoint signs, stores and writes the note (0600, never over a file); verify proves every checkpoint")
    func checkpointAndVerify() async throws {
        let cli = try CLIFixture()
        for _ in 0..<3 { _ = try await cli.recordConsent() }
        let out = cli.folder.appendingPathComponent("cp.txt").path
        let first = cli.run(["audit", "checkpoint", "--out", out, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(first.json as? [String: Any])
        #expect(json["tree_size"] as? Int == 3)
        let note = try #require(json["checkpoint"] as? String)
        #expect(note.split(separator: "\n")[3].hasPrefix("audit-log "))
        #expect(note.contains("\n\n\u{2014} "))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == note)
        #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)
        #expect(cli.run(["audit", "checkpoint", "--out", out]).status == 2)
        let again = cli.run(["audit", "checkpoint"])
        #expect(again.stderr.contains("previous checkpoint"))
        // The daily reminder (the shipped policy says P1D): quiet today, a warning two days later.
        #expect(!cli.run(["purge", "--dry-run"]).stderr.contains("checkpoint"))
        let late = cli.run(["purge", "--dry-run"], env: ["PRIVACY_NOW": "2024-06-03T12:00:00+02:00"])
        #expect(late.status == 0 && late.stderr.contains("older than P1D"), "\(late.stderr)")
        _ = try await cli.recordConsent()
        let ok = cli.run(["audit", "verify", "--checkpoint", out])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        // Truncation (the newest entries deleted): exit 4 naming the checkpoint.
        let db = try cli.store()
        try await db.pool.writeWithoutTransaction { db in
            try db.execute(sql: "DELETE FROM consent_ledger WHERE seq > 2")
        }
        let bad = cli.run(["audit", "verify", "--checkpoint", out])
        #expect(bad.status == 4)
        #expect(bad.stderr.contains("checkpoint of") && bad.stderr.contains("ledger size 3"), "\(bad.stderr)")
    }

    @Test("erase and purge after a checkpoint: audit verify still proves the kept checkpoint (exit 0)")
    func lawfulRedactionKeepsCheckpoints() async throws {
        let cli = try CLIFixture()
        let state = try await cli.recordConsent()
        _ = try await cli.recordConsent(method: .rejectAll)
        let out = cli.folder.appendingPathComponent("kept.txt").path
        #expect(cli.run(["audit", "checkpoint", "--out", out]).status == 0)
        #expect(cli.run(["erase", "--consent-id", state.consentID]).status == 0)
        #expect(cli.run(["purge"], env: ["PRIVACY_NOW": "2031-01-01T00:00:00+01:00"]).status == 0)
        let verify = cli.run(["audit", "verify", "--checkpoint", out], env: ["PRIVACY_NOW": "2031-01-01T00:00:00+01:00"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("OK (signature and consistency proofs)"))
    }

    @Test("serve refuses an unpinned vault.pub at start: exit 4")
    func unpinnedAtStart() throws {
        let cli = try CLIFixture()
        try replaceVaultPub(cli, with: try foreignPublicKeyFile())
        let process = try startServer(cli, port: freePort())
        process.waitUntilExit()
        #expect(process.terminationStatus == 4)
    }

    @Test("an unpinned vault.pub appearing while serving: 503 vault_key_unpinned, health degraded; the pinned key back: accepted again")
    func unpinnedWhileServing() async throws {
        let cli = try CLIFixture()
        let server = try await startHealthyServer(cli)
        defer { server.stop() }
        let base = server.base
        #expect(try await request("POST", base + "/v1/contact-requests", body: Self.contact).0 == 201)
        let pinned = try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.pub"))
        try replaceVaultPub(cli, with: try foreignPublicKeyFile())
        let (status, body) = try await request("POST", base + "/v1/contact-requests", body: Self.contact)
        #expect(status == 503)
        #expect((body["error"] as? [String: Any])?["code"] as? String == "vault_key_unpinned")
        let (healthStatus, health) = try await request("GET", base + "/healthz")
        #expect(healthStatus == 200 && health["status"] as? String == "degraded")
        #expect(try await cli.store().pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") } == 1)
        try replaceVaultPub(cli, with: pinned)
        #expect(try await request("POST", base + "/v1/contact-requests", body: Self.contact).0 == 201)
        #expect(try await request("GET", base + "/healthz").1["status"] as? String == "ok")
    }
}

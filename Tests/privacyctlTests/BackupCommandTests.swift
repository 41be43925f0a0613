import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import Consent
import GRDB
import Synchronization
import Testing

@Suite("privacyctl backup and restore: encrypted copies that keep the law's deletions", .serialized)
struct BackupCommandTests: ServeSupport {
    func backupPath(_ cli: CLIFixture, _ name: String = "backup.pvbk") -> String { cli.folder.appendingPathComponent(name).path }

    func fileSize(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? -1 }

    @Test("a backup taken while the server records consents restores to a database whose chains verify")
    func underWriteLoad() async throws {
        let cli = try CLIFixture()
        let server = try await startHealthyServer(cli)
        defer { server.stop() }
        let base = server.base
        let body = #"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":true,"external_media":true}}"#
        let (first, firstConsent) = try await request("POST", base + "/v1/consents", body: body)
        #expect(first == 201)
        let consentID = try #require(firstConsent["consent_id"] as? String)

        // Four writers keep recording before, while and after the backup runs.
        let recorded = Counter(), stop = Counter()
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while stop.value == 0 {
                            if let (status, _) = try? await request("POST", base + "/v1/consents", body: body), status == 201 {
                                recorded.add()
                            }
                        }
                    }
                }
            }
        }
        while recorded.value < 50 { try await Task.sleep(nanoseconds: 20_000_000) }
        let out = backupPath(cli)
        let made = cli.run(["backup", "--out", out, "--json"])
        let atBackupEnd = recorded.value
        while recorded.value < atBackupEnd + 50 { try await Task.sleep(nanoseconds: 20_000_000) }
        stop.add()
        await writers.value
        #expect(made.status == 0, "\(made.stderr)")
        let manifest = try #require(made.json as? [String: Any])
        #expect(manifest["file"] as? String == out)
        let sizes = try #require(manifest["database"] as? [String: Any])
        let entries = try #require(sizes["consent_ledger_entries"] as? Int)
        // Some of the writes, not all: the copy is one snapshot taken while they went on.
        #expect(entries > 50 && entries < recorded.value + 1)
        #expect(manifest.keys.contains("newest_checkpoint"))
        var info = stat()
        #expect(stat(out, &info) == 0 && info.st_mode & 0o777 == 0o600)

        // Nothing a byte scan looks for is readable in the file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        let (agent, prefix) = try await cli.store().pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT user_agent, ip_prefix FROM consent_ledger WHERE consent_id = ?", arguments: [consentID])
            return (row?["user_agent"] as String?, row?["ip_prefix"] as String?)
        }
        let userAgent = try #require(agent), ipPrefix = try #require(prefix)
        #expect(!userAgent.isEmpty && ipPrefix.hasPrefix("127.0.0"))
        for marker in [consentID, ipPrefix, userAgent] {
            #expect(!bytes.contains(Array(marker.utf8)), "\(marker) is readable in the backup")
        }

        // Restored into another place: exactly the manifest's entries, chains intact. The server's
        // start-up purge left a tombstone before the backup, so the restore reads the live file.
        let target = cli.folder.appendingPathComponent("restored/privacy.sqlite").path
        let tombstones = cli.folder.appendingPathComponent("data/tombstones.log").path
        let restored = cli.run(["restore", out, "--json"], env: ["PRIVACY_DATABASE": target, "PRIVACY_TOMBSTONES": tombstones])
        #expect(restored.status == 0, "\(restored.stderr)")
        let verify = cli.run(["audit", "verify", "--json"], env: ["PRIVACY_DATABASE": target])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let chains = try #require((verify.json as? [String: Any])?["chains"] as? [[String: Any]])
        #expect(chains.first { $0["chain"] as? String == "consent_ledger" }?["entries"] as? Int == entries)
        let log = cli.run(["audit", "log", "--json"], env: ["PRIVACY_DATABASE": target]).stdout
        #expect(log.contains("\"restore\""))
    }

    @Test("erase after the backup, restore the older backup: the person is still gone")
    func erasureSurvivesRestore() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent()
        let reference = try await cli.submitContact(name: "Erika Mustermann", email: "erika@example.org", consentID: consent.consentID)
        let other = try await cli.submitContact(name: "Max Nachbar", email: "max@example.org")
        let (sealed, index) = try await cli.storedBytes(of: reference)
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        #expect(cli.run(["erase", "--email", "erika@example.org"]).status == 0)
        let tombstones = cli.folder.appendingPathComponent("data/tombstones.log").path
        var info = stat()
        #expect(stat(tombstones, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let tombText = try String(contentsOfFile: tombstones, encoding: .utf8)
        #expect(!tombText.contains("erika") && !tombText.contains(consent.consentID))

        // The database file is lost; the backup comes back.
        let refused = cli.run(["restore", out])
        #expect(refused.status == 2, "\(refused.stderr)")
        let restored = cli.run(["restore", out, "--force", "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        let report = try #require(restored.json as? [String: Any])
        let reapplied = try #require(report["reapplied"] as? [[String: Any]])
        #expect(reapplied.count == 1)
        #expect(reapplied.first?["kind"] as? String == "erasure")
        #expect(reapplied.first?["contact_requests_deleted"] as? Int == 1)
        #expect(!restored.stdout.contains("erika"))

        let disk = try cli.bytesOnDisk()
        for offset in stride(from: 0, to: sealed.count - 32, by: 97) {
            #expect(!disk.contains(sealed[sealed.startIndex + offset ..< sealed.startIndex + offset + 32]))
        }
        #expect(!disk.contains(index))
        #expect(!disk.contains(Array(consent.consentID.utf8)))
        #expect(cli.run(["contacts", "show", reference.rawValue]).status == 3)
        #expect(cli.run(["contacts", "show", other.rawValue]).status == 0)
        #expect(cli.run(["consent", "show", consent.consentID]).status == 3)
        #expect(cli.run(["audit", "verify"]).status == 0)
        let log = try #require(cli.run(["audit", "log", "--json"]).json as? [[String: Any]])
        let entry = try #require(log.last { $0["action"] as? String == "restore" })
        let details = try #require(entry["details"] as? [String: String])
        #expect(details["replaced"] == "yes")
        #expect(details["tombstones_reapplied"] == "1")
        #expect(details["ledger_entries_lost"] == "0")
        #expect(Int(details["replaced_audit_log_max_seq"] ?? "") ?? 0 > Int(details["backup_audit_log_max_seq"] ?? "") ?? 0)
    }

    @Test("a purge after the backup is re-applied by the restore")
    func purgeSurvivesRestore() async throws {
        let cli = try CLIFixture()
        let reference = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        _ = try await cli.recordConsent()  // lost by the restore: newer than the backup
        let after = ["PRIVACY_NOW": "2025-01-02T00:00:00+01:00"]
        #expect(cli.run(["purge"], env: after).status == 0)
        let restored = cli.run(["restore", out, "--force", "--json"], env: after)
        #expect(restored.status == 0, "\(restored.stderr)")
        let reapplied = try #require((restored.json as? [String: Any])?["reapplied"] as? [[String: Any]])
        #expect(reapplied.map { $0["kind"] as? String } == ["purge"])
        #expect(cli.run(["contacts", "show", reference.rawValue], env: after).status == 3)
        // audit verify passes and names what the restore lost.
        let verify = cli.run(["audit", "verify", "--json"], env: after)
        #expect(verify.status == 0)
        let restores = try #require((verify.json as? [String: Any])?["restores"] as? [[String: Any]])
        #expect(restores.count == 1)
        #expect(restores.first?["ledger_lost"] as? [Int] == [1, 1])
        #expect(cli.run(["audit", "verify"], env: after).stdout.contains("ledger entries #1–#1"))
    }

    @Test("a checkpoint signed after the backup fails verify after the restore, and verify names the restore's loss")
    func checkpointAfterBackup() async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent()
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        _ = try await cli.recordConsent()  // newer than the backup, covered by the checkpoint
        let checkpoint = cli.folder.appendingPathComponent("checkpoint.txt").path
        #expect(cli.run(["audit", "checkpoint", "--out", checkpoint]).status == 0)
        #expect(cli.run(["restore", out, "--force"]).status == 0)
        let verify = cli.run(["audit", "verify", "--checkpoint", checkpoint])
        #expect(verify.status == 4, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.contains("lost ledger entries #2–#2") && verify.stderr.contains("the restore's loss"), "\(verify.stderr)")
        #expect(verify.stdout.contains("ledger entries #2–#2 and"), "\(verify.stdout)")
    }

    @Test("the purge that serve runs on its schedule appends a tombstone too")
    func scheduledPurgeTombstone() async throws {
        let cli = try CLIFixture()
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let process = try startServer(cli, port: freePort(), arguments: ["--purge-interval", "1"],
                                      env: ["PRIVACY_NOW": "2025-01-02T00:00:00+01:00"])
        defer { process.terminate(); process.waitUntilExit() }
        let tombstones = cli.folder.appendingPathComponent("data/tombstones.log").path
        var text = ""
        for _ in 0..<300 where !text.contains("\"purge\"") {
            try await Task.sleep(nanoseconds: 100_000_000)
            text = (try? String(contentsOfFile: tombstones, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("\"kind\":\"purge\""), "no purge tombstone from serve in \(tombstones)")
        #expect(text.contains("contacts-at-programme-end"))
    }

    @Test("keys rotate keeps the tombstones' keyed hashes valid: an erasure is re-applied after a rotation")
    func rotationKeepsTombstonesUsable() async throws {
        let cli = try CLIFixture()
        let reference = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        #expect(cli.run(["erase", "--email", "erika@example.org"]).status == 0)
        let rotated = cli.run(["keys", "rotate"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        // The backup is sealed to the old key pair, which rotation retired: refused as integrity.
        #expect(cli.run(["restore", out, "--force"]).status == 4)
        let fresh = backupPath(cli, "after-rotation.pvbk")
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        #expect(cli.run(["backup", "--out", fresh]).status == 0)
        #expect(cli.run(["erase", "--email", "erika@example.org"]).status == 0)
        let restored = cli.run(["restore", fresh, "--force", "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        let reapplied = try #require((restored.json as? [String: Any])?["reapplied"] as? [[String: Any]])
        #expect(reapplied.map { $0["contact_requests_deleted"] as? Int } == [1])
        #expect(cli.run(["contacts", "list", "--json"]).stdout.contains(reference.rawValue) == false)
        #expect((try #require(cli.run(["contacts", "list", "--json"]).json as? [Any])).isEmpty)
    }

    enum Damage: String, CaseIterable { case header, manifest, chunk, truncated }

    @Test("a tampered backup exits 4 and writes nothing", arguments: Damage.allCases)
    func tampered(_ damage: Damage) async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent()
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        let manifestLength = bytes[14..<18].reduce(0) { $0 << 8 | Int($1) }
        switch damage {
        case .header: bytes[8] ^= 0x01                                   // the key id
        case .manifest: bytes[18 + manifestLength / 2] ^= 0x01
        case .chunk: bytes[18 + manifestLength + 80 + 24 + 4 + 500] ^= 0x01
        case .truncated: bytes.removeLast(40)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        let target = cli.folder.appendingPathComponent("restored/privacy.sqlite").path
        let result = cli.run(["restore", out], env: ["PRIVACY_DATABASE": target])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: cli.folder.appendingPathComponent("restored").path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("a wrong passphrase exits 4 and writes nothing")
    func wrongPassphrase() async throws {
        let cli = try CLIFixture()
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out]).status == 0)
        let target = cli.folder.appendingPathComponent("restored/privacy.sqlite").path
        let result = cli.run(["restore", out], env: ["PRIVACY_DATABASE": target, "PRIVACY_PASSPHRASE": "wrong horse"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("backup needs no passphrase, refuses an existing file, and honours --tombstones")
    func noSecretNeeded() async throws {
        let cli = try CLIFixture()
        _ = try await cli.recordConsent()
        let out = backupPath(cli)
        #expect(cli.run(["backup", "--out", out], env: ["PRIVACY_PASSPHRASE": ""]).status == 0)
        let size = fileSize(out)
        #expect(cli.run(["backup", "--out", out]).status == 1)
        #expect(fileSize(out) == size)
        let custom = cli.folder.appendingPathComponent("elsewhere/tomb.log").path
        #expect(cli.run(["erase", "--consent-id", try await cli.recordConsent().consentID, "--tombstones", custom]).status == 0)
        #expect(FileManager.default.fileExists(atPath: custom))
        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")  // due at the programme's end
        #expect(cli.run(["purge"], env: ["PRIVACY_TOMBSTONES": custom, "PRIVACY_NOW": "2025-01-02T00:00:00+01:00"]).status == 0)
        #expect(try String(contentsOfFile: custom, encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test("backup --prune deletes backups older than --keep and lists them")
    func prune() async throws {
        let cli = try CLIFixture()
        let folder = cli.folder.appendingPathComponent("backups").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(cli.run(["backup", "--out", folder + "/old.pvbk"], env: ["PRIVACY_NOW": "2024-04-01T12:00:00+02:00"]).status == 0)
        #expect(cli.run(["backup", "--out", folder + "/new.pvbk"]).status == 0)
        let result = cli.run(["backup", "--prune", folder, "--keep", "P30D", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let pruned = try #require((result.json as? [String: Any])?["pruned"] as? [String: Any])
        #expect((pruned["deleted"] as? [[String: Any]])?.compactMap { $0["file"] as? String } == [folder + "/old.pvbk"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["new.pvbk"])
        #expect(cli.run(["backup", "--prune", folder]).status == 2)
        #expect(cli.run(["backup", "--prune", folder, "--keep", "30 days"]).status == 2)
        #expect(cli.run(["audit", "log", "--json"]).stdout.contains("backup.prune"))
    }
}

/// A counter shared by concurrent test tasks.
final class Counter: Sendable {
    private let state = Mutex(0)
    var value: Int { state.withLock { $0 } }
    func add() { state.withLock { $0 += 1 } }
}

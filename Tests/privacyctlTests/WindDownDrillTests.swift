import Consent
import Foundation
import Testing
import Vault

/// The programme's end, drilled with PRIVACY_NOW: every command as a process on real files.
@Suite("privacyctl wind-down and keys destroy: a drill across the programme's end")
struct WindDownDrillTests {
    static let inGrace = "2025-01-10T10:00:00+01:00"     // the end was 2024-12-31; grace P1M ends 2025-02-01
    static let afterGrace = "2025-02-15T10:00:00+01:00"

    /// The shipped policy, with the contact requests offered to the archive (the town as controller).
    func offeringPolicy(_ cli: CLIFixture) throws -> String {
        let text = try String(contentsOfFile: CLIFixture.policyPath, encoding: .utf8)
        try #require(text.contains("offer: false"))
        let path = cli.folder.appendingPathComponent("policy.yaml").path
        try text.replacingOccurrences(of: "offer: false", with: "offer: [contact_requests]").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func submit(_ cli: CLIFixture, name: String, callback: String?, at instant: String) async throws -> Reference {
        let intake = ContactIntake(store: try cli.store(), policy: try cli.policy(), clock: FixedClock(Timestamp.parse(instant)!),
                                   keys: try SealingKeys(keys: KeyDirectory(path: cli.keyDir)))
        return try await intake.submit(try ContactForm(name: name, email: "\(name.lowercased())@example.org", phone: nil,
                                                       message: "Nachricht von \(name)", callbackTime: callback, privacyNoticeAccepted: true))
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    func contacts(_ cli: CLIFixture) -> Int { (cli.run(["contacts", "list", "--json"]).json as? [Any])?.count ?? -1 }

    @Test("dry run, grace period, holds, archive decision and package, statistics, report, keys destroyed")
    func drill() async throws {
        let cli = try CLIFixture()
        let policy = try offeringPolicy(cli)
        let windows = ["vormittags (08:00–12:00)", "vormittags (08:00–12:00)", "vormittags (08:00–12:00)",
                       "nachmittags (14:00–18:00)", "nachmittags (14:00–18:00)", nil]
        var references: [Reference] = []
        for (i, w) in windows.enumerated() { references.append(try await submit(cli, name: "Person\(i)", callback: w, at: "2024-11-05T10:00:00+01:00")) }
        for i in 6..<8 { references.append(try await submit(cli, name: "Person\(i)", callback: "mittags (12:00–14:00)", at: "2024-12-10T10:00:00+01:00")) }
        var consents: [String] = []
        for _ in 0..<6 { consents.append(try await cli.recordConsent(method: .acceptAll).consentID) }
        #expect(cli.run(["consent", "revoke", consents[0]]).status == 0)
        #expect(cli.run(["hold", "add", "--reference", references[7].rawValue, "--kind", "legal_hold", "--reason", "Widerspruchsverfahren"]).status == 0)

        let out = cli.folder.appendingPathComponent("loeschbericht.md").path
        func windDown(_ args: [String], at now: String) -> CLIFixture.Result {
            cli.run(["wind-down"] + args, env: ["PRIVACY_NOW": now, "PRIVACY_POLICY": policy])
        }

        // Before the end there is nothing to wind down.
        #expect(windDown(["--dry-run"], at: "2024-12-31T23:59:59+01:00").status == 1)

        // Dry run inside the grace period: it would stop at the hold; the database is untouched.
        #expect(cli.run(["programme", "status"]).status == 0)
        let bytesBefore = try cli.bytesOnDisk()
        let dry = windDown(["--dry-run", "--json"], at: Self.inGrace)
        #expect(dry.status == 0, "\(dry.stderr)")
        let dryReport = try #require(dry.json as? [String: Any])
        #expect(dryReport["dry_run"] as? Bool == true)
        #expect(dryReport["stopped_at"] as? String == "stock_take")
        #expect(dry.stderr.contains("would stop"))
        let dbFile = { (try? Data(contentsOf: URL(fileURLWithPath: cli.database))) ?? Data() }
        let walFile = { (try? Data(contentsOf: URL(fileURLWithPath: cli.database + "-wal"))) ?? Data() }
        #expect(try cli.bytesOnDisk() == bytesBefore, "a dry run changes nothing: db \(dbFile().count) wal \(walFile().count) before \(bytesBefore.count)")

        // The real run stops at the stock-take while the hold is inside the grace period.
        let held = windDown(["--out", out], at: Self.inGrace)
        #expect(held.status == 1)
        #expect(held.stderr.contains("hold") && held.stderr.contains("Widerspruchsverfahren"))
        let status = try #require(cli.run(["programme", "status", "--json"], env: ["PRIVACY_NOW": Self.inGrace, "PRIVACY_POLICY": policy]).json as? [String: Any])
        #expect((status["wind_down_steps"] as? [String: Any])?.isEmpty == true)
        #expect((status["blockers"] as? [String])?.count == 1)
        #expect(contacts(cli) == 8)

        // After the grace period: stock-take and statistics, then a stop at the archive offer.
        let offer = windDown(["--out", out], at: Self.afterGrace)
        #expect(offer.status == 1)
        #expect(offer.stderr.contains("wind-down archive --decision"))
        let statisticsFile = cli.folder.appendingPathComponent("loeschbericht.statistics.md").path
        let statistics = try String(contentsOfFile: statisticsFile, encoding: .utf8)
        #expect(mode(statisticsFile) == 0o600)
        #expect(statistics.contains("| 2024-12 | < 5 |"), "two requests in December are fewer than 5")
        #expect(statistics.contains("| 2024-11 | • |"), "November is withheld, or the total would give December away")
        #expect(statistics.contains("| Summe | 8 |"))
        #expect(statistics.contains("| vormittags (08:00–12:00) | < 5 |"))
        #expect(!statistics.contains("Person"), "no name reaches the statistics")
        #expect(contacts(cli) == 8, "nothing is deleted without the archive's decision")

        // keys destroy refuses while sealed records exist, and --force before the archive step.
        let refused = cli.run(["keys", "destroy"])
        #expect(refused.status == 1 && refused.stderr.contains("8 sealed records"))
        #expect(cli.run(["keys", "destroy", "--force"]).status == 1)
        #expect(FileManager.default.fileExists(atPath: cli.keyDir + "/vault.key"))

        // The archive takes the contact requests: the package comes before the purge.
        #expect(cli.run(["wind-down", "archive", "--decision", "maybe", "--reference", "x"], env: ["PRIVACY_POLICY": policy]).status == 2)
        let decided = cli.run(["wind-down", "archive", "--decision", "taken", "--reference", "StA LW 1/2025", "--json"],
                              env: ["PRIVACY_NOW": Self.afterGrace, "PRIVACY_POLICY": policy])
        #expect(decided.status == 0, "\(decided.stderr)")
        #expect((decided.json as? [String: Any])?["decision"] as? String == "taken")
        let done = windDown(["--out", out, "--json"], at: Self.afterGrace)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(!done.stderr.contains("unsigned"), "\(done.stderr)")
        let report = try #require(done.json as? [String: Any])
        #expect(report["stopped_at"] == nil || report["stopped_at"] is NSNull)
        let rules = ((report["purge"] as? [String: Any])?["report"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        let atEnd = try #require(rules.first { $0["rule"] as? String == "contacts-at-programme-end" })
        #expect(atEnd["done"] as? Int == 7)
        #expect((atEnd["held"] as? [String: Int])?["legal_hold"] == 1)
        #expect(contacts(cli) == 1, "only the held request remains")

        // The package: folder 0700, files 0600, checksums right (recomputed here), decrypted content.
        let package = cli.folder.appendingPathComponent("loeschbericht.archive").path
        #expect(mode(package) == 0o700)
        let sums = try String(contentsOfFile: package + "/SHA256SUMS", encoding: .utf8)
        let lines = sums.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let name = parts[1].trimmingCharacters(in: .whitespaces)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: package + "/" + name))
            #expect(Checksum.sha256Hex([UInt8](bytes)) == parts[0], "\(name)")
            #expect(mode(package + "/" + name) == 0o600)
        }
        let archived = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: package + "/contact_requests.json"))) as? [[String: Any]])
        #expect(archived.count == 8 && archived.contains { $0["name"] as? String == "Person3" })
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: package + "/manifest.json"))) as? [String: Any])
        #expect(manifest["reference"] as? String == "StA LW 1/2025")

        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(mode(out) == 0o600)
        // Signed with audit.key: the detached line beside the report verifies against audit.pub.
        let signature = try String(contentsOfFile: out + ".sig", encoding: .utf8)
        let verifierKey = try String(contentsOfFile: cli.keyDir + "/audit.pub", encoding: .utf8)
        #expect(ReportSignature.verify(line: signature, message: Array(text.utf8), verifierKey: verifierKey))
        #expect(!ReportSignature.verify(line: signature, message: Array((text + " ").utf8), verifierKey: verifierKey))
        for needle in ["Widerspruchsverfahren", "contacts-at-programme-end", "StA LW 1/2025", "< 5"] {
            #expect(text.contains(needle), "the report names \(needle)")
        }
        #expect(!text.contains("Person"), "the report holds no personal data")

        // keys destroy: refused for the one held record, then forced (the archive step is done).
        let one = cli.run(["keys", "destroy"])
        #expect(one.status == 1 && one.stderr.contains("1 sealed record "))
        let destroyed = cli.run(["keys", "destroy", "--force", "--json"])
        #expect(destroyed.status == 0, "\(destroyed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.keyDir + "/vault.key"))
        #expect(cli.run(["contacts", "list"]).status != 0, "nothing can open a sealed record any more")
        #expect(cli.run(["export", "--email", "person7@example.org", "--out", cli.folder.appendingPathComponent("x.json").path]).status != 0)

        // Issued again: the report now records the destroyed key; English HTML reads the same.
        let again = windDown(["--out", out], at: "2025-02-16T10:00:00+01:00")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("überschrieben und gelöscht"))
        let html = cli.folder.appendingPathComponent("report.html").path
        #expect(windDown(["--out", html, "--lang", "en"], at: "2025-02-16T10:00:00+01:00").status == 0)
        let htmlText = try String(contentsOfFile: html, encoding: .utf8)
        #expect(htmlText.contains("<html lang=\"en\">") && htmlText.contains("Deletion report") && htmlText.contains("overwritten and removed"))
        #expect(cli.run(["audit", "verify"]).status == 0)
        let log = cli.run(["audit", "log", "--json"]).stdout
        for action in ["wind_down.stock_take", "wind_down.statistics", "wind_down.archive_decision", "wind_down.archive",
                       "wind_down.purge", "wind_down.keys_destroyed", "wind_down.report", "wind_down.stopped"] {
            #expect(log.contains("\"\(action)\""), "\(action) is in the audit log")
        }
    }

    @Test("without an archive offer and after the grace period the wind-down runs through; keys destroy needs no force then")
    func straightThrough() async throws {
        let cli = try CLIFixture()
        _ = try await submit(cli, name: "Anna", callback: nil, at: "2024-10-01T10:00:00+02:00")
        let run = cli.run(["wind-down", "--json"], env: ["PRIVACY_NOW": Self.afterGrace])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(((run.json as? [String: Any])?["archive"] as? [String: Any])?["required"] as? Bool == false)
        #expect(cli.run(["keys", "destroy"]).status == 0)
        #expect(cli.run(["keys", "destroy"]).status == 3, "nothing left to destroy")
        let status = try #require(cli.run(["programme", "status", "--json"], env: ["PRIVACY_NOW": Self.afterGrace]).json as? [String: Any])
        #expect(status["vault_key_present"] as? Bool == false)
    }
}

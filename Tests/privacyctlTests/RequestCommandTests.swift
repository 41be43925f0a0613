@testable import Consent
import Foundation
import GRDB
import Testing

@Suite("privacyctl request: the register, deadlines and answers, as a process")
struct RequestCommandTests {
    static let january = "2025-01-31T10:00:00+01:00"

    func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }

    func open(_ cli: CLIFixture, _ args: [String], at now: String = RequestCommandTests.january) throws -> [String: Any] {
        let result = cli.run(["request", "open"] + args + ["--json"], env: ["PRIVACY_NOW": now])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(result.json as? [String: Any])
    }

    @Test("open prints id, type, received, due, status; list shows overdue first; unknown ids exit 3")
    func openAndList() async throws {
        let cli = try CLIFixture()
        let a = try open(cli, ["--type", "access", "--email", "a@example.org"])
        #expect(Set(a.keys) == ["id", "type", "received", "due", "status"])
        #expect((a["id"] as? String)?.hasPrefix("RQ-") == true)
        #expect(a["type"] as? String == "access" && a["received"] as? String == "2025-01-31" && a["due"] as? String == "2025-02-28")
        #expect(a["status"] as? String == "open")
        let b = try open(cli, ["--type", "erasure", "--consent-id", "abcdefgh12345678", "--received", "2024-12-01", "--channel", "email",
                               "--identity-verified", "consent_id"])
        #expect(b["due"] as? String == "2025-01-02")
        let human = cli.run(["request", "open", "--type", "objection", "--email", "c@example.org"], env: ["PRIVACY_NOW": Self.january])
        #expect(human.status == 0 && human.stdout.contains("RQ-") && human.stdout.contains("2025-02-28"))

        let list = cli.run(["request", "list", "--json"], env: ["PRIVACY_NOW": Self.january])
        #expect(list.status == 0)
        let rows = try #require(list.json as? [[String: Any]])
        #expect(rows.first?["id"] as? String == b["id"] as? String)          // overdue since 2 January
        #expect(rows.first?["overdue"] as? Bool == true && rows.first?["days_left"] as? Int == -29)
        for row in rows { for key in ["id", "type", "received", "due", "status", "extended", "closed", "outcome"] { #expect(row.keys.contains(key)) } }
        #expect(list.stderr.contains("warning: request \(b["id"] as! String) (erasure) is OVERDUE"))
        #expect(cli.run(["request", "list", "--due-before", "2025-02-01", "--json"], env: ["PRIVACY_NOW": Self.january]).json.map { ($0 as? [Any])?.count } == 1)

        #expect(cli.run(["request", "extend", "RQ-NOPE", "--reason", "x"]).status == 3)
        #expect(cli.run(["request", "open", "--type", "wish", "--email", "a@example.org"]).status == 2)
        #expect(cli.run(["request", "open", "--type", "access", "--email", "a@example.org", "--received", "2025-02-30"]).status == 2)
        #expect(cli.run(["request", "open", "--type", "access"]).status == 2)
        // Nothing in the register or the audit log names the person.
        #expect(!(try cli.bytesOnDisk()).contains(Array("a@example.org".utf8)))
        #expect(!cli.run(["audit", "log"]).stdout.contains("example.org"))
    }

    @Test("extend in time: three months from receipt; too late, or twice: exit 2")
    func extend() async throws {
        let cli = try CLIFixture()
        let r = try open(cli, ["--type", "access", "--email", "a@example.org", "--received", "2025-01-31"])
        let id = try #require(r["id"] as? String)
        let late = cli.run(["request", "extend", id, "--reason", "Akten im Archiv"], env: ["PRIVACY_NOW": "2025-03-01T08:00:00+01:00"])
        #expect(late.status == 2)
        #expect(late.stderr.contains("passed on 2025-02-28"))
        let noReason = cli.run(["request", "extend", id], env: ["PRIVACY_NOW": "2025-02-20T08:00:00+01:00"])
        #expect(noReason.status == 2)
        let ok = cli.run(["request", "extend", id, "--reason", "Akten im Archiv", "--told", "2025-02-20", "--json"],
                         env: ["PRIVACY_NOW": "2025-02-28T20:00:00+01:00"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let e = try #require(ok.json as? [String: Any])
        #expect(e["due"] as? String == "2025-04-30" && e["extended"] as? Bool == true && e["person_told"] as? String == "2025-02-20")
        #expect(cli.run(["request", "extend", id, "--reason", "again"], env: ["PRIVACY_NOW": "2025-02-28T21:00:00+01:00"]).status == 2)
        let close = cli.run(["request", "close", id, "--outcome", "answered", "--json"], env: ["PRIVACY_NOW": "2025-03-02T09:00:00+01:00"])
        #expect(close.status == 0)
        #expect((close.json as? [String: Any])?["closed"] as? String == "2025-03-02")
        #expect(cli.run(["request", "close", id, "--outcome", "maybe"]).status == 2)
        let log = cli.run(["audit", "log", "--json"]).json as? [[String: Any]] ?? []
        #expect(log.compactMap { $0["action"] as? String }.filter { $0.hasPrefix("request.") } == ["request.open", "request.extend", "request.close"])
    }

    @Test("purge and audit verify warn about requests due within 7 days on stderr; --json stays valid")
    func warnings() async throws {
        let cli = try CLIFixture()
        let r = try open(cli, ["--type", "access", "--email", "a@example.org", "--received", "2025-01-31"])
        let soon = "2025-02-24T09:00:00+01:00"
        for args in [["purge", "--dry-run", "--json"], ["audit", "verify", "--json"], ["request", "list", "--json"]] {
            let result = cli.run(args, env: ["PRIVACY_NOW": soon])
            #expect(result.status == 0, "\(args): \(result.stderr)")
            #expect(result.json != nil, "\(args): stdout is not JSON")
            #expect(result.stderr.contains("\(r["id"] as! String) (access) is due 2025-02-28 (in 4 days)"), "\(args)")
        }
        // A fresh checkpoint, so that the checkpoint reminder (issue 11) has nothing to say either.
        let early = "2025-02-10T09:00:00+01:00"
        #expect(cli.run(["audit", "checkpoint"], env: ["PRIVACY_NOW": early]).status == 0)
        let quiet = cli.run(["audit", "verify"], env: ["PRIVACY_NOW": early])
        #expect(quiet.status == 0 && !quiet.stderr.contains("warning"), "\(quiet.stderr)")
    }

    @Test("answer: the letter in German and English, html and txt, mode 0600; json is exactly export's JSON")
    func answers() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent(method: .acceptAll, at: "2024-06-01T10:00:00+02:00")
        _ = try await cli.submitContact(name: "Erika Mustermann", email: "erika@example.org", consentID: consent.consentID)
        let r = try open(cli, ["--type", "access", "--email", "Erika@Example.org", "--identity-verified", "email_reply"], at: CLIFixture.during)
        let id = try #require(r["id"] as? String)
        let folder = cli.folder.path
        for (lang, format, needles) in [
            ("de", "html", ["Am 1. Juni 2024 um 10:00 Uhr haben Sie „Alle akzeptieren“ gewählt", "@page", "h) Automatisierte Entscheidungen"]),
            ("en", "txt", ["On 1 June 2024 at 10:00 you chose “Accept all”", "(h) Automated decisions"]),
        ] {
            let out = "\(folder)/answer-\(lang).\(format)"
            let result = cli.run(["request", "answer", id, "--out", out, "--lang", lang, "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try mode(out) == 0o600)
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            for needle in needles + ["Erika Mustermann", "erika@example.org", "Nachricht von Erika Mustermann", consent.consentID, "TLfDI"] {
                #expect(text.contains(needle), "\(lang) \(format) lacks \(needle)")
            }
        }
        // German html is the default; an existing file is refused without --force.
        let def = "\(folder)/default"
        #expect(cli.run(["request", "answer", id, "--out", def]).status == 0)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: def)), as: UTF8.self).contains("<html lang=\"de\">"))
        #expect(cli.run(["request", "answer", id, "--out", def]).status == 2)
        #expect(cli.run(["request", "answer", id, "--out", def, "--force", "--lang", "fr"]).status == 2)
        #expect(cli.run(["request", "answer", id, "--out", def, "--force"]).status == 0)
        // json = export's JSON, byte for byte.
        let viaAnswer = "\(folder)/answer.json", viaExport = "\(folder)/export.json"
        #expect(cli.run(["request", "answer", id, "--out", viaAnswer, "--format", "json"]).status == 0)
        #expect(cli.run(["export", "--email", "erika@example.org", "--out", viaExport, "--request", id]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: viaAnswer)) == Data(contentsOf: URL(fileURLWithPath: viaExport)))
        #expect(try mode(viaAnswer) == 0o600)
        // The export run is linked to the request.
        let listed = cli.run(["request", "list", "--json"]).json as? [[String: Any]] ?? []
        let runs = (listed.first?["runs"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(runs.contains("export") && runs.contains("answer"))
        // Export about someone else cannot be linked to this request.
        _ = try await cli.submitContact(name: "Max", email: "max@example.org")
        #expect(cli.run(["export", "--email", "max@example.org", "--out", "\(folder)/max.json", "--request", id]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/max.json"))
    }

    @Test("nothing held: the letter says so; erasure: what was done, linked from erase --request")
    func nothingHeldAndErasure() async throws {
        let cli = try CLIFixture()
        let nobody = try open(cli, ["--type", "access", "--email", "nobody@example.org"], at: CLIFixture.during)
        let out = cli.folder.appendingPathComponent("nobody.txt").path
        #expect(cli.run(["request", "answer", nobody["id"] as! String, "--out", out, "--format", "txt"]).status == 0)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self).contains("Art. 11 Abs. 2"))

        _ = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        let erasure = try open(cli, ["--type", "erasure", "--email", "erika@example.org"], at: CLIFixture.during)
        let id = erasure["id"] as! String
        #expect(cli.run(["erase", "--email", "erika@example.org", "--request", id]).status == 0)
        let letter = cli.folder.appendingPathComponent("erased.txt").path
        #expect(cli.run(["request", "answer", id, "--out", letter, "--format", "txt"]).status == 0)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: letter)), as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(text.contains("haben wir Ihre Daten gelöscht: 1 Kontaktanfragen"))
        #expect(text.contains("Art. 19"))
    }

    @Test("contacts amend re-seals; the old text is gone from the file and the WAL")
    func amend() async throws {
        let cli = try CLIFixture()
        let ref = try await cli.submitContact(name: "Falscher Name", email: "erika@example.org")
        let r = try open(cli, ["--type", "rectification", "--email", "erika@example.org"], at: CLIFixture.during)
        let store = try cli.store()
        let oldSealed = try await store.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue])!
        }
        #expect(try store.truncateWAL())
        #expect(try cli.bytesOnDisk().contains(oldSealed), "the scan does not see the live record")
        let result = cli.run(["contacts", "amend", ref.rawValue, "--name", "Richtiger Name", "--request", r["id"] as! String, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!(try cli.bytesOnDisk().contains(oldSealed)), "the old ciphertext remains in the file or the WAL")
        #expect((result.json as? [String: Any])?["fields"] as? [String] == ["name"])
        #expect(cli.run(["contacts", "show", ref.rawValue]).stdout.contains("Richtiger Name"))
        #expect(cli.run(["contacts", "amend", ref.rawValue, "--email", "no address"]).status == 2)
        #expect(cli.run(["contacts", "amend", "CR-0000000000000000000000000", "--name", "X"]).status == 3)
        #expect(!cli.run(["audit", "log"]).stdout.contains("Richtiger"))
    }

    @Test("restriction end to end: content hidden unless --restricted --reason; the purge keeps it until lifted")
    func restriction() async throws {
        let cli = try CLIFixture()
        let ref = try await cli.submitContact(name: "Rita Restrikt", email: "rita@example.org")
        let r = try open(cli, ["--type", "restriction", "--email", "rita@example.org"], at: CLIFixture.during)
        let id = r["id"] as! String
        let restrict = cli.run(["request", "restrict", id, "--reason", "accuracy contested", "--json"])
        #expect(restrict.status == 0, "\(restrict.stderr)")
        #expect(cli.run(["request", "close", id, "--outcome", "answered"]).status == 0)
        let hidden = cli.run(["contacts", "list"])
        #expect(hidden.status == 0 && !hidden.stdout.contains("Rita") && hidden.stdout.contains("restricted"))
        let shown = cli.run(["contacts", "show", ref.rawValue])
        #expect(!shown.stdout.contains("Rita") && shown.stderr.contains("--restricted"))
        #expect(cli.run(["contacts", "show", ref.rawValue, "--restricted"]).status == 2)
        #expect(cli.run(["contacts", "show", ref.rawValue, "--restricted", "--reason", "legal claim"]).stdout.contains("Rita Restrikt"))
        let after = "2025-01-02T00:00:00+01:00"
        #expect(cli.run(["purge"], env: ["PRIVACY_NOW": after]).status == 0)
        #expect(cli.run(["contacts", "list", "--json"], env: ["PRIVACY_NOW": after]).stdout.contains(ref.rawValue))
        #expect(cli.run(["request", "lift", id], env: ["PRIVACY_NOW": after]).status == 0)
        #expect(cli.run(["purge"], env: ["PRIVACY_NOW": after]).status == 0)
        #expect(!cli.run(["contacts", "list", "--json"], env: ["PRIVACY_NOW": after]).stdout.contains(ref.rawValue))
        // A restriction is carried out only for a restriction request.
        let other = try open(cli, ["--type", "access", "--email", "rita@example.org"], at: after)
        #expect(cli.run(["request", "restrict", other["id"] as! String], env: ["PRIVACY_NOW": after]).status == 2)
    }

    @Test("objection end to end: user agent and message bytes gone, the choice stays provable")
    func objection() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent()
        _ = try await cli.submitContact(name: "Olga", email: "olga@example.org", consentID: consent.consentID)
        let r = try open(cli, ["--type", "objection", "--email", "olga@example.org"], at: CLIFixture.during)
        let result = cli.run(["request", "object", r["id"] as! String, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(result.json as? [String: Any])
        #expect(report["consent_entries_minimised"] as? Int == 1 && report["contact_requests_deleted"] as? Int == 1)
        let disk = try cli.bytesOnDisk()
        #expect(!disk.contains(Array("Test/1".utf8)))
        #expect(cli.run(["audit", "verify"]).status == 0)
        #expect(cli.run(["consent", "show", consent.consentID]).status == 0)
    }

    @Test("hold add --until: expired holds keep nothing and are reported")
    func holdUntil() async throws {
        let cli = try CLIFixture()
        let ref = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        #expect(cli.run(["hold", "add", "--reference", ref.rawValue, "--until", "2025-01-05"]).status == 0)
        #expect(cli.run(["hold", "add", "--reference", ref.rawValue, "--until", "2024-05-01"]).status == 2)
        #expect(cli.run(["hold", "add", "--reference", ref.rawValue, "--until", "tomorrow"]).status == 2)
        let kept = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2025-01-05T23:00:00+01:00"])
        #expect(kept.status == 0 && cli.run(["contacts", "list", "--json"]).stdout.contains(ref.rawValue))
        let gone = cli.run(["purge", "--json"], env: ["PRIVACY_NOW": "2025-01-06T00:00:00+01:00"])
        #expect(gone.status == 0 && gone.stderr.contains("expired"))
        #expect(!cli.run(["contacts", "list", "--json"]).stdout.contains(ref.rawValue))
        #expect(cli.run(["hold", "list"], env: ["PRIVACY_NOW": "2025-01-06T00:00:00+01:00"]).stdout.contains("EXPIRED"))
    }
}

@Suite("privacyctl consent revoke --request: a withdrawal answered")
struct RequestWithdrawalTests {
    @Test("the revocation is linked and the letter says what was done")
    func withdrawal() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent()
        let opened = cli.run(["request", "open", "--type", "withdrawal", "--consent-id", consent.consentID, "--channel", "phone", "--json"])
        let id = try #require((opened.json as? [String: Any])?["id"] as? String)
        #expect(cli.run(["consent", "revoke", consent.consentID, "--request", "RQ-UNKNOWN"]).status == 3)
        #expect(cli.run(["consent", "show", consent.consentID, "--json"]).stdout.contains("\"accept_all\""), "a refused link must not revoke")
        #expect(cli.run(["consent", "revoke", consent.consentID, "--request", id]).status == 0)
        let out = cli.folder.appendingPathComponent("w.txt").path
        #expect(cli.run(["request", "answer", id, "--out", out, "--format", "txt"]).status == 0)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(text.contains("haben wir Ihre Einwilligung widerrufen"))
        #expect(text.contains("Widerruf Ihrer Einwilligung (Art. 7 Abs. 3 DSGVO)"))
    }
}

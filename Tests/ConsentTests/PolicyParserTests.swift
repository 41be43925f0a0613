import Foundation
import Testing
@testable import Consent

/// One broken policy: an edit of the shipped file, the rule it breaks, and the line(s) the issue may
/// point at (found by a marker in the edited text, so the table does not hard-code line numbers).
struct BrokenPolicy: Sendable, CustomTestStringConvertible {
    var name: String
    var old: String
    var new: String
    var rule: String
    /// Markers of the acceptable lines; the first is the offending line itself. A marker of several
    /// lines (context to make it unique) names its last line.
    var markers: [String]

    var testDescription: String { name }
}

@Suite("Policy parser")
struct PolicyParserTests {
    @Test("the shipped policy is accepted with the values the contract names")
    func shipped() throws {
        let policy = try Fixtures.shippedPolicy()
        #expect(policy.format == 2)
        #expect(policy.version == "2024-03-01")
        #expect(policy.timeZone.identifier == "Europe/Berlin")
        #expect(policy.programme.endDate == DateComponents(year: 2024, month: 12, day: 31))
        #expect(policy.programmeEndInstant == instant("2025-01-01T00:00:00+01:00"))
        #expect(policy.consent.validDays == 365)
        #expect(policy.consent.purposes.map(\.id) == ["necessary", "external_media"])
        #expect(policy.purpose("necessary")?.required == true)
        #expect(policy.purpose("external_media")?.required == false)
        #expect(policy.purpose("external_media")?.services.map(\.id) == ["youtube", "google_maps"])
        #expect(policy.purpose("external_media")?.title.text("en") == "External media")
        #expect(policy.purpose("external_media")?.title.text("fr") == "Externe Medien")
        #expect(policy.consent.texts["de"]?["accept_all"] == "Alle akzeptieren")
        #expect(policy.consent.texts["en"]?["reject_all"] == "Necessary only")
        #expect(policy.retention.map(\.id) == ["contacts-at-programme-end", "contacts-max-age", "consent-proof-after-withdrawal",
                                               "consent-proof-after-expiry", "refusals-when-expired", "audit-entries"])
        for kind in DataKind.allCases { #expect(policy.retention.contains { $0.data == kind }, "\(kind)") }
        let first = try #require(policy.retention.first)
        #expect(first.starts == .programmeEnd && first.after == ISODuration("P0D") && first.action == .delete)
        #expect(first.holds == [.openRequest, .legalHold])
        #expect(first.line == lineNumber(of: "- id: contacts-at-programme-end", in: Fixtures.policyText))
        #expect(policy.erasure.consentRecords == .delete)
        #expect(policy.archive.offerBeforePurge == false)
        #expect(policy.archive.archive == "Stadtarchiv Leinefelde-Worbis")
        #expect(policy.contactRequests.categories == ["name", "email", "phone", "message", "callback_time"])
        #expect(policy.controller.supervisoryAuthority.contains("TLfDI"))
        #expect(policy.sourceHash.count == 64)
    }

    @Test("the collection window: open through 31.12.2024 local time, closed from 1.1.2025")
    func collectionWindow() throws {
        let policy = try Fixtures.shippedPolicy()
        #expect(policy.isCollecting(at: instant("2024-12-31T23:59:59+01:00")))
        #expect(policy.isCollecting(at: instant("2024-12-31T23:59:59.999+01:00")))
        #expect(!policy.isCollecting(at: instant("2025-01-01T00:00:00+01:00")))
        #expect(!policy.isCollecting(at: instant("2024-12-31T23:00:00Z")))
        #expect(policy.isCollecting(at: instant("2024-12-31T22:59:59Z")))
    }

    @Test("the source hash is the BLAKE2b of the file's bytes and changes with any edit")
    func sourceHash() throws {
        let shipped = try Fixtures.shippedPolicy()
        var parser = PolicyParser(file: "same.yaml")
        #expect(try parser.parse(Fixtures.policyText).sourceHash == shipped.sourceHash)
        let edited = try Fixtures.policy(("archive: \"Stadtarchiv Leinefelde-Worbis\"", "archive: \"Kreisarchiv Eichsfeld\""))
        #expect(edited.sourceHash != shipped.sourceHash)
    }

    static let broken: [BrokenPolicy] = [
        .init(name: "unknown key", old: "  end_date: 2024-12-31", new: "  colour: blue\n  end_date: 2024-12-31",
              rule: "unknown-key", markers: ["colour: blue"]),
        .init(name: "unknown top-level key", old: "time_zone: Europe/Berlin", new: "time_zone: Europe/Berlin\ntimezone: UTC",
              rule: "unknown-key", markers: ["timezone: UTC"]),
        .init(name: "month 13", old: "end_date: 2024-12-31", new: "end_date: 2024-13-01", rule: "bad-date", markers: ["end_date: 2024-13-01"]),
        .init(name: "30 February", old: "end_date: 2024-12-31", new: "end_date: 2024-02-30", rule: "bad-date", markers: ["end_date: 2024-02-30"]),
        .init(name: "German date", old: "end_date: 2024-12-31", new: "end_date: 31.12.2024", rule: "bad-date", markers: ["end_date: 31.12.2024"]),
        .init(name: "bad start date", old: "  end_date: 2024-12-31", new: "  start_date: 2023-02-29\n  end_date: 2024-12-31",
              rule: "bad-date", markers: ["start_date: 2023-02-29"]),
        .init(name: "bad duration", old: "after: P6M", new: "after: P6X", rule: "bad-duration", markers: ["after: P6X"]),
        .init(name: "duration without P", old: "after: P6M", new: "after: 6M", rule: "bad-duration", markers: ["after: 6M"]),
        .init(name: "unknown purpose in a retention rule",
              old: "  - id: consent-proof-after-expiry\n",
              new: "  - id: consent-proof-after-expiry\n    purposes: [external_media, marketing]\n",
              rule: "unknown-purpose", markers: ["purposes: [external_media, marketing]"]),
        .init(name: "retention rule without data", old: "  - id: contacts-max-age\n    data: contact_requests\n",
              new: "  - id: contacts-max-age\n", rule: "missing-data-kind", markers: ["- id: contacts-max-age"]),
        .init(name: "no necessary purpose", old: "    - id: necessary\n", new: "    - id: basic\n",
              rule: "missing-necessary", markers: ["  purposes:", "- id: basic"]),
        .init(name: "necessary not required", old: "    - id: necessary\n      required: true", new: "    - id: necessary\n      required: false",
              rule: "missing-necessary", markers: ["  purposes:", "- id: necessary"]),
        .init(name: "bad time zone", old: "time_zone: Europe/Berlin", new: "time_zone: Europe/Leinefelde",
              rule: "bad-time-zone", markers: ["time_zone: Europe/Leinefelde"]),
        .init(name: "no rule for audit entries",
              old: "  - id: audit-entries\n    data: audit_entries\n    starts: received\n    after: P6Y\n    action: delete\n"
                + "    reason:\n      de: \"Nachweis der Rechenschaftspflicht (Art. 5 Abs. 2 DSGVO); das Protokoll enthält keine personenbezogenen Daten.\"\n"
                + "      en: \"Accountability (Art. 5(2) GDPR); the log holds no personal data.\"\n", new: "",
              rule: "missing-rule", markers: ["retention:", "- id: contacts-at-programme-end"]),
        .init(name: "YAML syntax error", old: "  end_date: 2024-12-31", new: "  end_date: 2024-12-31: oops",
              rule: "yaml-syntax", markers: ["2024-12-31: oops"]),
        .init(name: "unsupported format", old: "format: 2", new: "format: 3", rule: "unsupported-format", markers: ["format: 3"]),
        .init(name: "valid_days not a number", old: "valid_days: 365", new: "valid_days: many", rule: "bad-number", markers: ["valid_days: many"]),
        .init(name: "valid_days zero", old: "valid_days: 365", new: "valid_days: 0", rule: "bad-number", markers: ["valid_days: 0"]),
        .init(name: "unknown hold", old: "    holds: [legal_hold]\n    reason:\n      de: \"Eine Ablehnung",
              new: "    holds: [court_order]\n    reason:\n      de: \"Eine Ablehnung", rule: "unknown-hold", markers: ["holds: [court_order]"]),
        .init(name: "audit entries cannot start at withdrawal", old: "    data: audit_entries\n    starts: received",
              new: "    data: audit_entries\n    starts: withdrawn", rule: "bad-event", markers: ["data: audit_entries\n    starts: withdrawn"]),
        .init(name: "audit entries cannot be anonymised",
              old: "    after: P6Y\n    action: delete", new: "    after: P6Y\n    action: anonymise", rule: "bad-action", markers: ["action: anonymise"]),
        .init(name: "unknown action", old: "after: P6M\n    action: delete", new: "after: P6M\n    action: shred", rule: "bad-value", markers: ["action: shred"]),
        .init(name: "unknown data kind", old: "    data: contact_requests\n    starts: received",
              new: "    data: newsletters\n    starts: received", rule: "bad-value", markers: ["data: newsletters"]),
        .init(name: "duplicate service id", old: "        - id: google_maps", new: "        - id: youtube",
              rule: "duplicate-id", markers: ["- id: external_media"]),
        .init(name: "duplicate rule id", old: "  - id: contacts-max-age", new: "  - id: contacts-at-programme-end",
              rule: "duplicate-id", markers: ["ends with the programme.\"\n  - id: contacts-at-programme-end"]),
        .init(name: "privacy link not https", old: "privacy_url: \"https://policies.google.com/privacy\"\n  texts:",
              new: "privacy_url: \"http://policies.google.com/privacy\"\n  texts:", rule: "bad-url", markers: ["http://policies"]),
        .init(name: "required purpose with services", old: "      services: []", new: "      services: [{id: tracker, title: {de: T}, provider: P, privacy_url: \"https://x.example\"}]",
              rule: "required-with-services", markers: ["- id: necessary"]),
        .init(name: "missing policy version", old: "policy_version: \"2024-03-01\"\n", new: "", rule: "missing-key", markers: ["format: 2"]),
        .init(name: "bad id", old: "    - id: external_media", new: "    - id: External Media", rule: "bad-id", markers: ["id: External Media"]),
    ]

    @Test("a broken policy is refused with the rule broken and the offending line", arguments: broken)
    func refused(_ c: BrokenPolicy) throws {
        let text = Fixtures.policyText
        try #require(text.contains(c.old), "the shipped policy no longer contains the text this case edits")
        let edited = text.replacingOccurrences(of: c.old, with: c.new)
        var parser = PolicyParser(file: "policies/broken.yaml")
        let error = try #require(throws: PolicyError.self) { try parser.parse(edited) }
        let lines = c.markers.compactMap { marker -> Int? in
            guard let range = edited.range(of: marker) else { return nil }
            return edited[..<range.upperBound].filter { $0 == "\n" }.count + 1
        }
        try #require(lines.count == c.markers.count, "a marker is not in the edited text")
        let matching = error.issues.filter { $0.rule == c.rule }
        #expect(!matching.isEmpty, "no [\(c.rule)] issue among \(error.issues.map(\.description))")
        #expect(matching.contains { lines.contains($0.line) },
                "[\(c.rule)] reported at \(matching.map(\.line)), expected line \(lines.map(String.init).joined(separator: " or "))")
        for issue in error.issues {
            #expect(issue.file == "policies/broken.yaml")
            #expect(issue.line >= 1)
            #expect(issue.description.hasPrefix("policies/broken.yaml:\(issue.line):"))
            #expect(issue.description.contains("error [\(issue.rule)]"))
        }
    }

    @Test("every issue is collected, in line order, not only the first")
    func collectsAll() throws {
        var text = Fixtures.policyText
        text = text.replacingOccurrences(of: "time_zone: Europe/Berlin", with: "time_zone: Mars/Olympus")
        text = text.replacingOccurrences(of: "after: P6M", with: "after: six months")
        text = text.replacingOccurrences(of: "end_date: 2024-12-31", with: "end_date: 2024-12-32")
        var parser = PolicyParser(file: "p.yaml")
        let error = try #require(throws: PolicyError.self) { try parser.parse(text) }
        #expect(error.issues.map(\.rule) == ["bad-time-zone", "bad-date", "bad-duration"])
        #expect(error.issues.map(\.line) == [
            lineNumber(of: "time_zone:", in: text), lineNumber(of: "end_date:", in: text), lineNumber(of: "after: six months", in: text),
        ].compactMap { $0 })
        #expect(error.description.split(separator: "\n").count == 3)
    }

    @Test("an empty file and a missing file are refused")
    func emptyAndMissing() throws {
        var parser = PolicyParser(file: "empty.yaml")
        let empty = try #require(throws: PolicyError.self) { try parser.parse("") }
        #expect(empty.issues.first?.rule == "empty")
        let missing = try #require(throws: PolicyError.self) { try PolicyParser.load(path: "/nonexistent/policy.yaml") }
        #expect(missing.issues.first?.rule == "unreadable")
        #expect(missing.issues.first?.file == "/nonexistent/policy.yaml")
        let list = try #require(throws: PolicyError.self) { try parser.parse("- a\n- b\n") }
        #expect(list.issues.first?.rule == "type")
    }

    @Test("an edited but valid policy parses (programme end moved, start date added)")
    func editedValid() throws {
        let policy = try Fixtures.policy(("  end_date: 2024-12-31", "  start_date: 2023-04-01\n  end_date: 2025-06-30"))
        #expect(policy.programmeEndInstant == instant("2025-07-01T00:00:00+02:00"))
        #expect(!policy.isCollecting(at: instant("2023-03-31T23:59:59+02:00")))
        #expect(policy.isCollecting(at: instant("2023-04-01T00:00:00+02:00")))
        #expect(policy.isCollecting(at: instant("2025-01-01T00:00:00+01:00")))
    }
}

import Foundation
import Testing
@testable import Consent

/// An edit of the shipped policy that makes its legal statements impossible, the rule `policy
/// check` names, and a marker of the line it must point at.
struct ImpossiblePolicy: Sendable, CustomTestStringConvertible {
    var name: String
    var old: String
    var new: String
    var rule: String
    /// The issue's line is the last line of the marker's first occurrence, plus `offset`.
    var marker: String
    var offset = 0
    var testDescription: String { name }
}

@Suite("Policy legal model")
struct PolicyLegalModelTests {
    static let examplePath = URL(fileURLWithPath: Fixtures.policyPath).deletingLastPathComponent()
        .appendingPathComponent("examples/daa-as-controller.yaml").path

    @Test("both readings are valid: the town as controller (shipped) and the DAA as its own controller (example)")
    func bothReadings() throws {
        let town = try Fixtures.shippedPolicy()
        #expect(town.format == 2)
        #expect(town.controller.publicBody)
        #expect(town.controller.name.contains("Stadt Leinefelde-Worbis"))
        #expect(town.processors.map(\.name).contains { $0.contains("DAA") })
        #expect(town.processors.first?.role.text("de").contains("Art. 28") == true)
        #expect(town.dpo?.email.isEmpty == false)
        #expect(town.purpose("necessary")?.basis.code == .publicTask)
        #expect(town.purpose("necessary")?.basis.law?.contains("§ 25 Abs. 2 Nr. 2 TDDDG") == true)
        #expect(town.purpose("external_media")?.basis.code == .consent)
        #expect(town.purpose("external_media")?.disclosure.jointControllers.first?.scope.text("de").contains("C-40/17") == true)
        #expect(town.purpose("external_media")?.disclosure.transfers.first?.safeguard.text("de").contains("2023/1795") == true)
        #expect(town.contactRequests.basis.code == .publicTask)
        #expect(town.contactRequests.basis.law?.contains("ThürDSG") == true)
        #expect(town.contactRequests.basis.law?.contains("§ 171e BauGB") == true)
        #expect(town.retention.allSatisfy { $0.reason != nil })
        #expect(town.retention.contains { $0.appliesTo == .refusals && $0.data == .consentRecords })

        let daa = try PolicyParser.load(path: Self.examplePath)
        #expect(!daa.controller.publicBody)
        #expect(daa.controller.name.contains("DAA"))
        #expect(daa.processors.isEmpty)
        #expect(daa.contactRequests.basis.code == .legitimateInterest)
        #expect(daa.contactRequests.basis.interest != nil)
    }

    @Test("the rights follow from the basis: portability only (a)/(b), objection (e)/(f), withdrawal (a)", arguments: [
        (LegalBasisCode.consent, [DataSubjectRight.access, .rectification, .erasure, .restriction, .portability, .withdrawal]),
        (.contract, [.access, .rectification, .erasure, .restriction, .portability]),
        (.legalObligation, [.access, .rectification, .erasure, .restriction]),
        (.publicTask, [.access, .rectification, .erasure, .restriction, .objection]),
        (.legitimateInterest, [.access, .rectification, .erasure, .restriction, .objection]),
    ])
    func rights(code: LegalBasisCode, expected: [DataSubjectRight]) {
        #expect(LegalBasis(code: code, law: "x", text: LocalizedText(values: [:])).rights == expected)
    }

    static let contactBasis = "  legal_basis:\n    basis: \"6.1.e\"\n    law: \"§ 16 ThürDSG und § 171e BauGB (Maßnahmen der Sozialen Stadt / des Sozialen Zusammenhalts)\"\n"

    static let impossible: [ImpossiblePolicy] = [
        .init(name: "(f) for a public body's task", old: contactBasis,
              new: "  legal_basis:\n    basis: \"6.1.f\"\n    interest: \"Anfragen beantworten\"\n",
              rule: "public-body-legitimate-interest", marker: "  legal_basis:\n    basis: \"6.1.f\""),
        .init(name: "(e) without the law", old: contactBasis, new: "  legal_basis:\n    basis: \"6.1.e\"\n",
              rule: "basis-without-law", marker: "  legal_basis:\n    basis: \"6.1.e\""),
        .init(name: "(c) without the law", old: contactBasis, new: "  legal_basis:\n    basis: \"6.1.c\"\n",
              rule: "basis-without-law", marker: "    basis: \"6.1.c\""),
        .init(name: "two bases stacked", old: contactBasis + "    text:\n",
              new: "  legal_basis: \"Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 16 ThürDSG; Art. 6 Abs. 1 lit. b DSGVO\"\n  old_text:\n",
              rule: "several-legal-bases", marker: "  legal_basis: \"Art. 6 Abs. 1 lit. e"),
        .init(name: "a basis outside the closed list", old: "        basis: \"6.1.a\"", new: "        basis: \"6.1.d\"",
              rule: "bad-value", marker: "basis: \"6.1.d\""),
        .init(name: "a purpose without a basis",
              old: "      required: false\n      legal_basis:\n        basis: \"6.1.a\"\n", new: "      required: false\n      legal_basis_was:\n",
              rule: "missing-legal-basis", marker: "    - id: external_media"),
        .init(name: "a retention rule without a reason",
              old: "    reason:\n      de: \"Eine Anfrage ist nach sechs Monaten beantwortet; länger brauchen wir sie nicht.\"\n      en: \"A request has been answered within six months; we do not need it longer.\"\n",
              new: "", rule: "retention-without-reason", marker: "  - id: contacts-max-age"),
        .init(name: "a required purpose on consent", old: "        basis: \"6.1.e\"\n        law:\n          de: \"§ 16 ThürDSG; für",
              new: "        basis: \"6.1.a\"\n        law:\n          de: \"§ 16 ThürDSG; für", rule: "required-with-consent", marker: "      legal_basis:\n        basis: \"6.1.a\""),
        .init(name: "a purpose the banner lets you refuse, not on consent", old: "        basis: \"6.1.a\"\n        law: \"§ 25 Abs. 1 TDDDG\"",
              new: "        basis: \"6.1.e\"\n        law: \"§ 25 Abs. 1 TDDDG\"", rule: "optional-without-consent", marker: "        basis: \"6.1.e\"\n        law: \"§ 25 Abs. 1", offset: -1),
        .init(name: "no DPO", old: "dpo:\n  name:", new: "former_dpo:\n  name:", rule: "unknown-key", marker: "former_dpo:"),
        .init(name: "refusals selected for contact requests", old: "  - id: contacts-max-age\n    data: contact_requests\n",
              new: "  - id: contacts-max-age\n    data: contact_requests\n    applies_to: refusals\n", rule: "bad-scope", marker: "applies_to: refusals"),
    ]

    @Test("policy check refuses what cannot be true, with the rule and the line", arguments: impossible)
    func refused(_ c: ImpossiblePolicy) throws {
        let text = Fixtures.policyText
        try #require(text.contains(c.old), "the shipped policy no longer contains the text this case edits")
        let edited = text.replacingOccurrences(of: c.old, with: c.new)
        let range = try #require(edited.range(of: c.marker), "marker not in the edited text")
        let line = edited[..<range.upperBound].filter { $0 == "\n" }.count + 1 + c.offset
        var parser = PolicyParser(file: "policies/impossible.yaml")
        let error = try #require(throws: PolicyError.self) { try parser.parse(edited) }
        let matching = error.issues.filter { $0.rule == c.rule }
        #expect(!matching.isEmpty, "no [\(c.rule)] among \(error.issues.map(\.description))")
        #expect(matching.contains { $0.line == line }, "[\(c.rule)] at \(matching.map(\.line)), expected \(line)")
        #expect(matching.allSatisfy { $0.description.hasPrefix("policies/impossible.yaml:\($0.line):\($0.column): error [\(c.rule)]") })
    }

    @Test("a missing DPO is refused in format 2")
    func missingDPO() throws {
        let dpo = "dpo:\n  name: \"Behördlicher Datenschutzbeauftragter der Stadt Leinefelde-Worbis\"\n  address: \"Stadtverwaltung Leinefelde-Worbis, Bahnhofstraße 43, 37327 Leinefelde-Worbis\"\n  email: \"datenschutzbeauftragter@leinefelde-worbis.example\"\n"
        try #require(Fixtures.policyText.contains(dpo))
        var parser = PolicyParser(file: "p.yaml")
        let error = try #require(throws: PolicyError.self) { try parser.parse(Fixtures.policyText.replacingOccurrences(of: dpo, with: "")) }
        #expect(error.issues.contains { $0.rule == "missing-dpo" })
    }

    @Test("(f) stays allowed for a controller that is not a public body")
    func privateControllerMayUseF() throws {
        let policy = try PolicyParser.load(path: Self.examplePath)
        #expect(policy.purpose("necessary")?.basis.code == .legitimateInterest)
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let flipped = text.replacingOccurrences(of: "  public_body: false", with: "  public_body: true")
        var parser = PolicyParser(file: "daa.yaml")
        let error = try #require(throws: PolicyError.self) { try parser.parse(flipped) }
        #expect(error.issues.filter { $0.rule == "public-body-legitimate-interest" }.count == 2)
    }

    @Test("a format-1 file with one citation per purpose is still read (legacy form)")
    func legacyFormat() throws {
        let legacy = """
            format: 1
            policy_version: "1"
            controller: {name: "C", address: "A", supervisory_authority: "TLfDI"}
            time_zone: Europe/Berlin
            programme: {name: "P", end_date: 2024-12-31}
            consent:
              valid_days: 365
              purposes:
                - {id: necessary, required: true, legal_basis: "§ 25 Abs. 2 Nr. 2 TDDDG; Art. 6 Abs. 1 lit. f DSGVO", title: {de: N}, description: {de: D}}
              texts: {de: {title: T}}
            contact_requests:
              purpose: "Anfragen"
              legal_basis: "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 16 ThürDSG; Art. 6 Abs. 1 lit. b DSGVO"
              categories: [name]
              recipients: ["Büro"]
              source: "Formular"
            retention:
              - {id: c, data: contact_requests, starts: received, after: P6M, action: delete}
              - {id: r, data: consent_records, starts: expired, after: P3Y, action: delete}
              - {id: a, data: audit_entries, starts: received, after: P6Y, action: delete}
            """
        var parser = PolicyParser(file: "legacy.yaml")
        let policy = try parser.parse(legacy)
        #expect(policy.purpose("necessary")?.basis.code == .legitimateInterest)
        #expect(policy.contactRequests.basis.code == .publicTask)
        #expect(policy.contactRequests.basis.law == "§ 16 ThürDSG")
        #expect(policy.contactRequests.recipients == ["Büro"])
    }
}

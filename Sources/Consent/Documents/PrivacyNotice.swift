import Foundation

/// The privacy notice (Art. 13 GDPR) generated from the policy: controller, DPO, each processing
/// with its one basis, recipients, transfers, storage periods with reasons, whether giving the
/// data is required, the rights that follow from each basis, the Art. 21(4) notice set apart,
/// the right to complain and the absence of automated decisions.
struct PrivacyNotice: BilingualDocument {
    let policy: Policy
    let language: String

    init(policy: Policy, language: String) {
        self.policy = policy
        self.language = Self.writtenLanguage(language)
    }

    func document() -> Document {
        var sections: [Document.Section] = [controllerSection()]
        if let dpo = dpoSection() { sections.append(dpo) }
        sections.append(Document.Section(id: "verarbeitungen", heading: t("Welche Daten wir wofür verarbeiten", "Which data we process and why"),
                                         blocks: [], subsections: policy.activities.map(activitySection)))
        sections.append(rightsSection())
        if let objection = objectionSection() { sections.append(objection) }
        sections.append(Document.Section(id: "beschwerde", heading: t("Beschwerde bei der Aufsichtsbehörde", "Complaint to the supervisory authority"), blocks: [
            .paragraph(t("Sie haben das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO), insbesondere bei der für uns zuständigen:",
                         "You have the right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR), in particular with the one responsible for us:")),
            .paragraph(policy.controller.supervisoryAuthority),
        ]))
        sections.append(Document.Section(id: "automatisierte-entscheidungen", heading: t("Keine automatisierte Entscheidung", "No automated decision-making"), blocks: [
            .paragraph(t("Es findet keine automatisierte Entscheidungsfindung einschließlich Profiling statt (Art. 22 DSGVO).",
                         "No automated decision-making, including profiling, takes place (Art. 22 GDPR).")),
        ]))
        sections.append(Document.Section(id: "stand", heading: t("Stand", "Version"), blocks: [
            .paragraph(t("Diese Hinweise werden aus der Datenschutz-Richtlinie Version \(policy.version) erzeugt; dieselbe Quelle speist das Cookie-Banner und jede Auskunft.",
                         "This notice is generated from the privacy policy version \(policy.version); the same source feeds the cookie banner and every access answer.")),
        ]))
        return Document(language: language, title: t("Datenschutzerklärung", "Privacy notice"), intro: [
            .paragraph(t("Hier erfahren Sie, wer Ihre Daten auf dieser Website verarbeitet, wozu, auf welcher Rechtsgrundlage, wie lange und welche Rechte Sie haben (Art. 13 DSGVO).",
                         "This notice tells you who processes your data on this website, why, on which legal basis, for how long, and which rights you have (Art. 13 GDPR).")),
        ], sections: sections)
    }

    func controllerSection() -> Document.Section {
        let c = policy.controller
        var facts: [(label: String, value: String)] = [(t("Name", "Name"), c.name), (t("Anschrift", "Address"), c.address)]
        if let email = c.email { facts.append((t("E-Mail", "E-mail"), email)) }
        if let phone = c.phone { facts.append((t("Telefon", "Phone"), phone)) }
        var blocks: [Document.Block] = [.facts(facts)]
        if !policy.processors.isEmpty {
            blocks.append(.paragraph(t("In unserem Auftrag und nach unserer Weisung verarbeitet (Art. 28 DSGVO):", "Processing on our behalf and on our instructions (Art. 28 GDPR):")))
            blocks.append(.list(policy.processors.map { "\($0.name), \($0.address): \($0.role.text(language))" }))
        }
        return Document.Section(id: "verantwortlicher", heading: t("Verantwortlicher", "Controller"), blocks: blocks)
    }

    func dpoSection() -> Document.Section? {
        guard let dpo = policy.dpo else { return nil }
        var facts: [(label: String, value: String)] = [(t("Name bzw. Funktion", "Name or function"), dpo.name),
                                                       (t("Anschrift", "Address"), dpo.address), (t("E-Mail", "E-mail"), dpo.email)]
        if let phone = dpo.phone { facts.append((t("Telefon", "Phone"), phone)) }
        return Document.Section(id: "datenschutzbeauftragter", heading: t("Datenschutzbeauftragter", "Data protection officer"), blocks: [.facts(facts)])
    }

    func activitySection(_ a: ProcessingActivity) -> Document.Section {
        var facts: [(label: String, value: String)] = []
        facts.append((t("Zweck", "Purpose"), a.purpose.text(language)))
        facts.append((t("Rechtsgrundlage", "Legal basis"), basisText(a.basis)))
        if let interest = a.basis.interest {
            facts.append((t("Berechtigtes Interesse", "Legitimate interest"), interest.text(language)))
        }
        if let data = a.disclosure.data { facts.append((t("Daten", "Data"), data.text(language))) }
        facts.append((t("Empfänger", "Recipients"), a.disclosure.recipients.isEmpty ? t("keine", "none")
                        : a.disclosure.recipients.map { $0.text(language) }.joined(separator: "; ")))
        for s in a.services {
            facts.append((t("Dienst", "Service") + " " + s.title.text(language), "\(s.provider); \(t("Datenschutzerklärung des Anbieters", "provider's privacy policy")): \(s.privacyURL)"))
        }
        for j in a.disclosure.jointControllers {
            facts.append((t("Gemeinsam Verantwortlicher", "Joint controller"), "\(j.name), \(j.address): \(j.scope.text(language))"))
        }
        facts.append((t("Übermittlung in Drittländer", "Transfers to third countries"), a.disclosure.transfers.isEmpty
                        ? t("keine", "none")
                        : a.disclosure.transfers.map { "\($0.country): \($0.safeguard.text(language))" }.joined(separator: "; ")))
        facts.append((t("Speicherdauer", "Storage period"), storage(a)))
        if let provision = a.disclosure.provision {
            facts.append((t("Pflicht zur Angabe?", "Are you required to give the data?"), provision.text(language)))
        }
        var rights = a.rights.map { DocumentText.right($0, de) }
        for absent in [DataSubjectRight.portability, .objection] where !a.rights.contains(absent) {
            if let text = DocumentText.rightAbsent(absent, de) { rights.append(text) }
        }
        facts.append((t("Ihre Rechte", "Your rights"), rights.joined(separator: "; ")))
        return Document.Section(id: "verarbeitung-" + a.id, heading: a.title.text(language), blocks: [.facts(facts)])
    }

    func basisText(_ b: LegalBasis) -> String {
        let text = b.text.text(language)
        if text.isEmpty || text.contains("Art. 6") { return text.isEmpty ? b.citation(language) : text }
        return "\(b.citation(language)). \(text)"
    }

    /// The rules that govern the processing, with their reasons; for the consent record also the
    /// cookie's lifetime and the minimisation of refusals.
    func storage(_ a: ProcessingActivity) -> String {
        var parts: [String] = []
        if a.kind == .consentPurpose && !a.optional {
            let days = policy.consent.validDays
            parts.append(t("Das Cookie „\(policy.consent.cookieName)“ wird \(days) Tage gespeichert; so lange gilt Ihre Auswahl, danach fragen wir erneut.",
                           "The cookie “\(policy.consent.cookieName)” is kept for \(days) days; your choice is valid that long, then we ask again."))
            if policy.consent.minimiseRefusals {
                parts.append(t("Eine Ablehnung speichern wir ohne IP-Adresse und Browserkennung.",
                               "A refusal is stored without IP address and browser identification."))
            }
        }
        if a.kind == .consentPurpose && a.optional {
            parts.append(t("Ihre Einwilligung wird wie Ihre übrige Auswahl nachgewiesen (siehe „\(policy.consent.purposes.first { $0.required }?.title.text(language) ?? "")“); was der Anbieter speichert, regelt dessen Datenschutzerklärung.",
                           "Your consent is recorded with the rest of your choice (see “\(policy.consent.purposes.first { $0.required }?.title.text(language) ?? "")”); what the provider keeps is governed by its privacy policy."))
        }
        for rule in a.retention {
            var line = rule.spoken(language, policy: policy)
            if let reason = rule.reason { line += " " + t("Grund: ", "Reason: ") + reason.text(language) }
            parts.append(line)
        }
        return parts.joined(separator: " ")
    }

    func rightsSection() -> Document.Section {
        var items: [String] = []
        for right in DataSubjectRight.allCases {
            let applies = policy.activities.filter { $0.rights.contains(right) }.map { $0.title.text(language) }
            guard !applies.isEmpty else { continue }
            let scope = applies.count == policy.activities.count ? t("für alle Verarbeitungen", "for every processing")
                : t("für: ", "for: ") + applies.joined(separator: ", ")
            items.append("\(DocumentText.right(right, de)) – \(scope)")
        }
        var blocks: [Document.Block] = [
            .paragraph(t("Welche Rechte Sie haben, hängt von der Rechtsgrundlage der Verarbeitung ab:", "Which rights you have depends on the legal basis of the processing:")),
            .list(items),
        ]
        let contact = policy.dpo?.email ?? policy.controller.email
        if let contact {
            blocks.append(.paragraph(t("Wenden Sie sich dazu an \(contact) oder an die oben genannte Anschrift. Ihre Einwilligung in externe Medien widerrufen Sie am einfachsten über die Cookie-Einstellungen der Website.",
                                       "To use them, write to \(contact) or to the address above. The easiest way to withdraw your consent to external media is the website's cookie settings.")))
        }
        return Document.Section(id: "rechte", heading: t("Ihre Rechte", "Your rights"), blocks: blocks)
    }

    /// Art. 21(4): the right to object, explicitly and apart from everything else.
    func objectionSection() -> Document.Section? {
        let covered = policy.activities.filter { $0.rights.contains(.objection) }
        guard !covered.isEmpty else { return nil }
        let contact = policy.dpo?.email ?? policy.controller.email ?? policy.controller.address
        return Document.Section(id: "widerspruch", heading: t("Ihr Widerspruchsrecht (Art. 21 DSGVO)", "Your right to object (Art. 21 GDPR)"), blocks: [
            .strong(t("Sie haben das Recht, aus Gründen, die sich aus Ihrer besonderen Situation ergeben, jederzeit gegen die Verarbeitung Sie betreffender personenbezogener Daten, die aufgrund von Art. 6 Abs. 1 lit. e oder f DSGVO erfolgt, Widerspruch einzulegen.",
                      "You have the right to object, on grounds relating to your particular situation, at any time to the processing of personal data concerning you which is based on Art. 6(1)(e) or (f) GDPR.")),
            .paragraph(t("Das betrifft hier: ", "Here this concerns: ") + covered.map { $0.title.text(language) }.joined(separator: ", ") + "."),
            .paragraph(t("Wir verarbeiten die Daten dann nicht mehr, es sei denn, wir können zwingende schutzwürdige Gründe für die Verarbeitung nachweisen, die Ihre Interessen, Rechte und Freiheiten überwiegen. Ihren Widerspruch richten Sie formlos an \(contact).",
                         "We then no longer process the data unless we can demonstrate compelling legitimate grounds for the processing which override your interests, rights and freedoms. Send your objection, in any form, to \(contact).")),
        ], setApart: true)
    }
}

import Foundation

/// The record of processing activities (Art. 30(1) GDPR) generated from the policy: the controller,
/// joint controllers and DPO (a), and per processing its purposes and basis (b), the categories of
/// people and data (c), recipients (d), third-country transfers (e), time limits for erasure (f),
/// and the technical and organisational measures of Art. 32 (g) that this engine really takes.
struct ProcessingRecord: BilingualDocument {
    let policy: Policy
    let language: String

    init(policy: Policy, language: String) {
        self.policy = policy
        self.language = Self.writtenLanguage(language)
    }

    func document() -> Document {
        let notice = PrivacyNotice(policy: policy, language: language)
        var head: [(label: String, value: String)] = [
            (t("Verantwortlicher (Art. 30 Abs. 1 lit. a)", "Controller (Art. 30(1)(a))"),
             [policy.controller.name, policy.controller.address, policy.controller.email, policy.controller.phone].compactMap { $0 }.joined(separator: ", ")),
            (t("Öffentliche Stelle", "Public body"), policy.controller.publicBody ? t("ja", "yes") : t("nein", "no")),
        ]
        if let dpo = policy.dpo {
            head.append((t("Datenschutzbeauftragter", "Data protection officer"), "\(dpo.name), \(dpo.address), \(dpo.email)"))
        }
        let joint = policy.activities.flatMap(\.disclosure.jointControllers)
        var seen = Set<String>()
        for j in joint where seen.insert(j.name).inserted {
            head.append((t("Gemeinsam Verantwortlicher", "Joint controller"), "\(j.name), \(j.address)"))
        }
        for p in policy.processors {
            head.append((t("Auftragsverarbeiter", "Processor"), "\(p.name), \(p.address): \(p.role.text(language))"))
        }
        var sections = [Document.Section(id: "verantwortlicher", heading: t("Angaben zum Verantwortlichen", "The controller"), blocks: [.facts(head)])]
        for (i, a) in policy.activities.enumerated() {
            sections.append(entry(a, number: i + 1, notice: notice))
        }
        sections.append(Document.Section(id: "massnahmen", heading: t("Technische und organisatorische Maßnahmen (Art. 32 DSGVO)", "Technical and organisational measures (Art. 32 GDPR)"),
                                         blocks: [.paragraph(t("Was die Software für alle Verarbeitungen tatsächlich tut:", "What the software really does, for every processing:")),
                                                  .list(measures())]))
        return Document(language: language, title: t("Verzeichnis von Verarbeitungstätigkeiten (Art. 30 Abs. 1 DSGVO)", "Record of processing activities (Art. 30(1) GDPR)"),
                        intro: [.paragraph(t("Erzeugt aus der Datenschutz-Richtlinie Version \(policy.version) (\(policy.programme.name)).",
                                             "Generated from the privacy policy version \(policy.version) (\(policy.programme.name))."))],
                        sections: sections)
    }

    func entry(_ a: ProcessingActivity, number: Int, notice: PrivacyNotice) -> Document.Section {
        var facts: [(label: String, value: String)] = [
            (t("Zweck (lit. b)", "Purpose (point b)"), a.purpose.text(language)),
            (t("Rechtsgrundlage", "Legal basis"), notice.basisText(a.basis)),
            (t("Kategorien betroffener Personen (lit. c)", "Categories of data subjects (point c)"), a.disclosure.subjects?.text(language) ?? t("Besucherinnen und Besucher der Website", "visitors of the website")),
            (t("Kategorien personenbezogener Daten (lit. c)", "Categories of personal data (point c)"), a.disclosure.data?.text(language) ?? "–"),
            (t("Empfänger (lit. d)", "Recipients (point d)"), a.disclosure.recipients.isEmpty ? t("keine", "none") : a.disclosure.recipients.map { $0.text(language) }.joined(separator: "; ")),
            (t("Drittlandübermittlungen (lit. e)", "Transfers to third countries (point e)"), a.disclosure.transfers.isEmpty ? t("keine", "none")
                : a.disclosure.transfers.map { "\($0.country): \($0.safeguard.text(language))" }.joined(separator: "; ")),
            (t("Löschfristen (lit. f)", "Time limits for erasure (point f)"), notice.storage(a)),
            (t("Betroffenenrechte", "Rights of data subjects"), a.rights.map { DocumentText.right($0, de) }.joined(separator: "; ")),
            (t("Maßnahmen (lit. g)", "Measures (point g)"), specificMeasures(a)),
        ]
        for j in a.disclosure.jointControllers {
            facts.insert((t("Gemeinsam Verantwortlicher", "Joint controller"), "\(j.name): \(j.scope.text(language))"), at: 2)
        }
        return Document.Section(id: "taetigkeit-\(a.id)", heading: "\(number). \(a.title.text(language))", blocks: [.facts(facts)])
    }

    func specificMeasures(_ a: ProcessingActivity) -> String {
        switch a.kind {
        case .contactRequests:
            return t("Versiegelt gespeichert (siehe Maßnahmen 1–3); Suche nur über Blind-Index; Löschung nach den Fristen mit Überschreiben (Maßnahme 5).",
                     "Stored sealed (see measures 1–3); found only through the blind index; erased by the time limits with overwriting (measure 5).")
        case .consentPurpose where a.optional:
            return t("Zwei-Klick-Lösung: nichts wird vom Anbieter geladen, bevor Sie einwilligen (Maßnahme 7).",
                     "Two-click placeholders: nothing is loaded from the provider before you consent (measure 7).")
        case .consentPurpose:
            return t("IP-Kürzung und Minimierung bei Ablehnung (Maßnahme 4); verkettetes, nur anfügbares Register (Maßnahme 6).",
                     "IP truncation and minimisation of refusals (measure 4); chained, append-only ledger (measure 6).")
        }
    }

    /// What the engine does, stated as facts of its code (not promises).
    func measures() -> [String] {
        var list = [
            t("1. Verschlüsselung: Kontaktanfragen werden vor dem Speichern versiegelt (libsodium: je Datensatz ein eigener Schlüssel, XChaCha20-Poly1305, an den öffentlichen Schlüssel versiegelt). Der Server kennt nur den öffentlichen Schlüssel und kann Gespeichertes nicht lesen.",
              "1. Encryption: contact requests are sealed before they are stored (libsodium: one key per record, XChaCha20-Poly1305, sealed to the public key). The server holds only the public key and cannot read what it stored."),
            t("2. Zugriff: Nur der Datenschutzbeauftragte öffnet Anfragen, mit dem geheimen Schlüssel, der mit einer Passphrase (Argon2id) geschützt ist; Schlüsseldateien haben die Rechte 0600; Schlüssel können rotiert werden.",
              "2. Access: only the DPO opens requests, with the secret key protected by a passphrase (Argon2id); key files have mode 0600; keys can be rotated."),
            t("3. Pseudonymisierung: Suche nach E-Mail-Adresse oder Consent-ID nur über einen Blind-Index (schlüsselabhängiger Hash), nie im Klartext.",
              "3. Pseudonymisation: searching by e-mail address or consent ID only through a blind index (a keyed hash), never in clear text."),
        ]
        var ip = t("4. Datenminimierung: IP-Adressen werden vor dem Speichern auf /24 (IPv4) bzw. /48 (IPv6) gekürzt.",
                   "4. Data minimisation: IP addresses are shortened to /24 (IPv4) or /48 (IPv6) before they are stored.")
        if policy.consent.minimiseRefusals {
            ip += t(" Ablehnungen werden ohne IP-Präfix und Browserkennung gespeichert.", " Refusals are stored without IP prefix and user agent.")
        }
        ip += t(" Die Consent-ID wird nur auf ausdrücklichen Wunsch mit einer Kontaktanfrage verknüpft.", " The consent ID is linked to a contact request only when the person asks for it.")
        list.append(ip)
        list.append(t("5. Löschung: Fristen werden automatisch angewandt; gelöschte Daten werden in der Datenbankdatei überschrieben (secure_delete) und das Write-Ahead-Log danach geleert (TRUNCATE-Checkpoint); eine Löschung auf Antrag (Art. 17) ebenso.",
                      "5. Erasure: time limits are applied automatically; erased data is overwritten in the database file (secure_delete) and the write-ahead log is then emptied (TRUNCATE checkpoint); the same for an erasure on request (Art. 17)."))
        list.append(t("6. Integrität und Nachweis: Das Register der Einwilligungen ist nur anfügbar und hash-verkettet; ein Prüfprotokoll ohne personenbezogene Daten hält jede Handlung des Datenschutzbeauftragten und jede Löschung fest; `privacyctl audit verify` prüft beides.",
                      "6. Integrity and accountability: the consent ledger is append-only and hash-chained; an audit log without personal data records every action of the DPO and every purge; `privacyctl audit verify` checks both."))
        list.append(t("7. Keine Drittinhalte ohne Einwilligung: Die Website lädt YouTube und Google Maps erst nach Einwilligung (Zwei-Klick), eine Content-Security-Policy verhindert andere Quellen; die öffentlichen Schnittstellen sind nach gekürzter IP-Adresse ratenbegrenzt.",
                      "7. No third-party content without consent: the website loads YouTube and Google Maps only after consent (two clicks); a Content Security Policy blocks other sources; the public routes are rate-limited per shortened IP address."))
        return list
    }
}

import Foundation

extension SubjectExport {
    /// The export's JSON exactly as `privacyctl export` writes it (sorted keys, pretty-printed).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// The answer to a request, as a letter the person can read (Art. 12(1): concise, intelligible,
/// clear and plain language), in German or English.
///
/// - access and portability: every datum held (decrypted), the consent history in words, the
///   Art. 15(1)(a)–(h) and 15(2) information, and the machine-readable export (Art. 15(3), Art. 20);
/// - the other types: what was done and when (from the runs linked to the request), and for
///   rectification, erasure and restriction the recipients told (Art. 19);
/// - nothing held or refused: said so (Art. 11(2), Art. 12(2) and 12(4)), with the rights that remain.
public struct RequestAnswer: Sendable {
    public let request: DataRequest
    public let export: SubjectExport
    public let policy: Policy
    public let language: LetterLanguage
    public let today: CalendarDay

    public init(request: DataRequest, export: SubjectExport, policy: Policy, language: LetterLanguage, today: CalendarDay) {
        self.request = request
        self.export = export
        self.policy = policy
        self.language = language
        self.today = today
    }

    var de: Bool { language == .de }
    var facts: LetterPolicyFacts { LetterPolicyFacts(policy: policy, language: language) }
    var tz: TimeZone { policy.timeZone }
    func day(_ d: CalendarDay) -> String { LetterWording.day(d, language) }
    func q(_ s: String) -> String { LetterWording.quote(s, language) }

    /// Whether the answer reports data (access or portability, with something held).
    var reportsData: Bool { (request.type == .access || request.type == .portability) && !export.isEmpty && request.outcome != .refused }

    public func letter() throws -> Letter {
        var sections: [Letter.Section] = [receipt()]
        if request.outcome == .refused {
            sections.append(refusal())
        } else if request.outcome == .nothingHeld || ((request.type == .access || request.type == .portability) && export.isEmpty) {
            sections.append(nothingHeld())
        } else if reportsData {
            sections += heldData()
            sections.append(article15())
            sections.append(machineReadable(try String(decoding: export.jsonData(), as: UTF8.self)))
        } else {
            sections.append(whatWasDone())
            if [.rectification, .erasure, .restriction].contains(request.type) { sections.append(recipientsTold()) }
        }
        sections.append(remainingRights())
        let name = export.data.contactRequests.first?.name
        return Letter(
            language: language, sender: facts.sender, date: day(today),
            subject: de ? "Ihr Antrag auf \(LetterWording.typeName(request.type, language)) – unser Zeichen \(request.id)"
                        : "Your request for \(LetterWording.typeName(request.type, language)) – our reference \(request.id)",
            salutation: de ? (name.map { "Guten Tag \($0)," } ?? "Guten Tag,") : (name.map { "Dear \($0)," } ?? "Dear Sir or Madam,"),
            sections: sections,
            closing: de ? ["Mit freundlichen Grüßen", facts.signature] : ["Yours sincerely", facts.signature])
    }

    // MARK: Sections

    func receipt() -> Letter.Section {
        var text = de
            ? "Ihr Antrag auf \(LetterWording.typeName(request.type, language)) ist am \(day(request.received)) bei uns eingegangen. Nach Art. 12 Abs. 3 DSGVO antworten wir innerhalb eines Monats, bis zum \(day(request.firstDue))."
            : "Your request for \(LetterWording.typeName(request.type, language)) reached us on \(day(request.received)). Under Art. 12(3) GDPR we answer within one month, by \(day(request.firstDue))."
        if request.extended {
            text += de
                ? " Wir haben diese Frist um zwei Monate bis zum \(day(request.due)) verlängert und Ihnen das am \(request.personTold.map(day) ?? "-") mitgeteilt. Grund: \(request.extensionReason ?? "-")."
                : " We extended this deadline by two months, to \(day(request.due)), and told you so on \(request.personTold.map(day) ?? "-"). Reason: \(request.extensionReason ?? "-")."
        }
        if let how = request.identityVerified, let on = request.identityVerifiedOn {
            text += de ? " Ihre Identität haben wir am \(day(on)) geprüft (Art. 12 Abs. 6 DSGVO: \(LetterWording.identityCheck(how, language)))."
                       : " We checked your identity on \(day(on)) (Art. 12(6) GDPR: \(LetterWording.identityCheck(how, language)))."
        }
        return .init(heading: de ? "Ihr Antrag" : "Your request", blocks: [.paragraph(text)])
    }

    func heldData() -> [Letter.Section] {
        var sections: [Letter.Section] = []
        var blocks: [Letter.Block] = []
        let contacts = export.data.contactRequests
        if contacts.isEmpty {
            blocks.append(.paragraph(de ? "Kontaktanfragen von Ihnen haben wir nicht gespeichert." : "We hold no contact request from you."))
        }
        for c in contacts {
            blocks.append(.paragraph(de ? "Kontaktanfrage \(c.reference), eingegangen \(LetterWording.moment(c.receivedAt, tz, language)):"
                                        : "Contact request \(c.reference), received \(LetterWording.moment(c.receivedAt, tz, language)):"))
            var rows: [(String, String)] = [(de ? "Name" : "Name", c.name)]
            if let e = c.email { rows.append((de ? "E-Mail-Adresse" : "E-mail address", e)) }
            if let p = c.phone { rows.append((de ? "Telefonnummer" : "Phone number", p)) }
            if let t = c.callbackTime { rows.append((de ? "Gewünschte Rückrufzeit" : "Preferred callback time", t)) }
            rows.append((de ? "Nachricht" : "Message", c.message))
            if let id = c.consentID { rows.append((de ? "Einwilligungs-ID" : "Consent id", id)) }
            rows.append((de ? "Datenschutzhinweis akzeptiert" : "Privacy notice accepted", LetterWording.moment(c.privacyNoticeAcceptedAt, tz, language)))
            blocks.append(.rows(rows))
        }
        sections.append(.init(heading: de ? "1. Ihre Kontaktanfragen" : "1. Your contact requests", blocks: blocks))
        var history: [Letter.Block] = []
        if export.data.consents.isEmpty {
            history.append(.paragraph(de ? "Zu Ihrer Auswahl im Cookie-Banner haben wir nichts gespeichert." : "We hold no record of choices of yours in the cookie banner."))
        }
        for consent in export.data.consents {
            history.append(.paragraph(de ? "Einwilligungs-ID \(consent.consentID) (im Cookie-Banner unter „Einstellungen“ zu sehen):"
                                         : "Consent id \(consent.consentID) (shown in the cookie banner's settings):"))
            history.append(.list(consent.entries.map(sentence)))
        }
        sections.append(.init(heading: de ? "2. Ihre Auswahl im Cookie-Banner" : "2. Your choices in the cookie banner", blocks: history))
        return sections
    }

    /// One ledger entry in words: „Am 1. Juni 2024 um 10:00 Uhr haben Sie „Alle akzeptieren“ gewählt …“.
    func sentence(_ e: HistoryEntry) -> String {
        let when = LetterWording.moment(e.recordedAt, tz, language)
        let When = when.prefix(1).uppercased() + when.dropFirst()
        guard let method = e.method else {
            return de ? "\(When) wurde ein Eintrag gespeichert, dessen Inhalt nach unseren Löschfristen inzwischen gelöscht ist."
                      : "\(When) an entry was recorded whose content has since been deleted under our retention rules."
        }
        // In the banner's order: the policy's purposes and services first, anything else after.
        let purposeOrder = policy.consent.purposes.map(\.id), serviceOrder = policy.consent.allServices.map(\.service.id)
        func ordered(_ keys: Dictionary<String, Bool>.Keys, _ order: [String]) -> [String] {
            order.filter { keys.contains($0) } + keys.filter { !order.contains($0) }.sorted()
        }
        let granted = ordered(e.purposes.keys, purposeOrder).filter { e.purposes[$0]! }.map(facts.purposeTitle)
        let refused = ordered(e.purposes.keys, purposeOrder).filter { !e.purposes[$0]! }.map(facts.purposeTitle)
        let servicesOn = ordered(e.services.keys, serviceOrder).filter { e.services[$0]! }.map(facts.serviceTitle)
        var s: String
        let label = facts.label(method).map(q) ?? method
        switch (ConsentMethod(rawValue: method), e.source.flatMap(EntrySource.init(rawValue:))) {
        case (.withdraw, .dpo):
            s = de ? "\(When) haben wir auf Ihren Wunsch Ihre Einwilligung widerrufen" : "\(When) we withdrew your consent at your request"
        case (.withdraw, _):
            s = de ? "\(When) haben Sie Ihre Einwilligung widerrufen (\(label))" : "\(When) you withdrew your consent (\(label))"
        default:
            s = de ? "\(When) haben Sie \(label) gewählt" : "\(When) you chose \(label)"
        }
        s += de ? ": erlaubt \(granted.isEmpty ? "nichts" : granted.joined(separator: ", "))" : ": allowed \(granted.isEmpty ? "nothing" : granted.joined(separator: ", "))"
        if !servicesOn.isEmpty { s += de ? " (Dienste: \(servicesOn.joined(separator: ", ")))" : " (services: \(servicesOn.joined(separator: ", ")))" }
        if !refused.isEmpty { s += de ? "; abgelehnt \(refused.joined(separator: ", "))" : "; refused \(refused.joined(separator: ", "))" }
        s += "."
        var stored: [String] = []
        if let p = e.pageURL { stored.append(de ? "die Seite \(p)" : "the page \(p)") }
        if let l = e.language { stored.append(de ? "die Sprache \(l)" : "the language \(l)") }
        if let ip = e.ipPrefix { stored.append(de ? "Ihre IP-Adresse gekürzt auf \(ip)" : "your IP address truncated to \(ip)") }
        if let ua = e.userAgent { stored.append(de ? "Ihre Browserkennung \(q(ua))" : "your browser's user agent \(q(ua))") }
        if let gpc = e.gpc { stored.append(de ? "das Signal „Global Privacy Control“: \(gpc ? "an" : "aus")" : "the Global Privacy Control signal: \(gpc ? "on" : "off")") }
        if let r = e.reason { stored.append(de ? "der Vermerk \(q(r))" : "the note \(q(r))") }
        if !stored.isEmpty { s += de ? " Dazu gespeichert: \(stored.joined(separator: ", "))." : " Stored with it: \(stored.joined(separator: ", "))." }
        if let exp = e.expiresAt, ConsentMethod(rawValue: method) != .withdraw {
            s += de ? " Gültig bis \(LetterWording.day(Timestamp.parse(exp) ?? Date(), tz, language))." : " Valid until \(LetterWording.day(Timestamp.parse(exp) ?? Date(), tz, language))."
        }
        return s
    }

    func article15() -> Letter.Section {
        let f = facts
        let rows: [(String, String)] = [
            (de ? "a) Zwecke und Rechtsgrundlagen" : "(a) Purposes and legal bases", f.purposes.joined(separator: "\n")),
            (de ? "b) Kategorien der Daten" : "(b) Categories of data", f.categories.joined(separator: "\n")),
            (de ? "c) Empfänger" : "(c) Recipients", f.recipients.joined(separator: "\n")),
            (de ? "d) Speicherdauer" : "(d) Storage period", f.storagePeriods.joined(separator: "\n")),
            (de ? "e) Ihre Rechte" : "(e) Your rights", f.rights.joined(separator: "; ")),
            (de ? "f) Beschwerderecht" : "(f) Right to complain", f.complaint),
            (de ? "g) Herkunft der Daten" : "(g) Source of the data", f.source),
            (de ? "h) Automatisierte Entscheidungen" : "(h) Automated decisions", f.automatedDecisions),
            (de ? "Drittländer (Art. 15 Abs. 2)" : "Third countries (Art. 15(2))", f.thirdCountries),
        ]
        return .init(heading: de ? "3. Informationen nach Art. 15 Abs. 1 DSGVO" : "3. Information under Art. 15(1) GDPR", blocks: [.rows(rows)])
    }

    func machineReadable(_ json: String) -> Letter.Section {
        .init(heading: de ? "4. Ihre Daten maschinenlesbar (Art. 15 Abs. 3, Art. 20 DSGVO)" : "4. Your data, machine-readable (Art. 15(3), Art. 20 GDPR)", blocks: [
            .paragraph(de ? "Die folgenden Angaben sind dieselben Daten im JSON-Format, zur Übertragung an einen anderen Verantwortlichen."
                          : "What follows is the same data in JSON, to pass on to another controller."),
            .preformatted(json),
        ])
    }

    func nothingHeld() -> Letter.Section {
        .init(heading: de ? "Unsere Antwort" : "Our answer", blocks: [.paragraph(de
            ? "Wir haben unsere Daten geprüft: Zu den Angaben, mit denen Sie sich an uns gewandt haben, haben wir keine Daten über Sie gespeichert. Wir können Sie daher anhand unserer Daten nicht identifizieren (Art. 11 Abs. 2 und Art. 12 Abs. 2 DSGVO). Wenn Sie uns weitere Angaben machen, die Sie identifizieren – etwa eine andere E-Mail-Adresse oder die Einwilligungs-ID aus den Einstellungen unseres Cookie-Banners –, prüfen wir erneut."
            : "We have checked our data: we hold no data about you under the details you gave us. We therefore cannot identify you in our data (Art. 11(2) and Art. 12(2) GDPR). If you give us further details that identify you – another e-mail address, say, or the consent id from the settings of our cookie banner – we will check again.")])
    }

    func refusal() -> Letter.Section {
        .init(heading: de ? "Unsere Antwort" : "Our answer", blocks: [.paragraph(de
            ? "Wir können Ihrem Antrag nicht nachkommen. Gründe: \(request.note ?? "-"). Sie können sich bei der Aufsichtsbehörde beschweren und einen gerichtlichen Rechtsbehelf einlegen (Art. 12 Abs. 4, Art. 77, Art. 79 DSGVO)."
            : "We cannot comply with your request. Reasons: \(request.note ?? "-"). You may complain to the supervisory authority and seek a judicial remedy (Art. 12(4), Art. 77, Art. 79 GDPR).")])
    }

    func whatWasDone() -> Letter.Section {
        let done = request.runs.filter { $0.action != .answer }.map(runSentence)
        let blocks: [Letter.Block] = done.isEmpty
            ? [.paragraph(de ? "Wir bearbeiten Ihren Antrag noch; Sie hören bis zum \(day(request.due)) von uns."
                             : "We are still working on your request; you will hear from us by \(day(request.due)).")]
            : [.paragraph(de ? "Das haben wir getan:" : "This is what we did:"), .list(done)]
        return .init(heading: de ? "Was wir getan haben" : "What we did", blocks: blocks)
    }

    func runSentence(_ run: RequestRun) -> String {
        let when = LetterWording.moment(run.at, tz, language)
        let When = when.prefix(1).uppercased() + when.dropFirst()
        let d = run.details
        func n(_ key: String) -> String { d[key] ?? "0" }
        switch run.action {
        case .export:
            return de ? "\(When) haben wir eine vollständige Kopie Ihrer Daten erstellt (\(n("contact_requests")) Kontaktanfragen, \(n("consent_entries")) Einträge zum Cookie-Banner)."
                      : "\(When) we made a complete copy of your data (\(n("contact_requests")) contact requests, \(n("consent_entries")) cookie banner entries)."
        case .erase:
            let held = Int(n("held_by_legal_hold")) ?? 0
            var s = de ? "\(When) haben wir Ihre Daten gelöscht: \(n("contact_requests_deleted")) Kontaktanfragen und \(n("consent_entries_redacted")) Einträge zum Cookie-Banner, in der Datenbank und ihrem Protokoll (WAL) überschrieben."
                       : "\(When) we erased your data: \(n("contact_requests_deleted")) contact requests and \(n("consent_entries_redacted")) cookie banner entries, overwritten in the database and its log (WAL)."
            if held > 0 {
                s += de ? " \(held) Datensätze müssen wir wegen einer gesetzlichen Aufbewahrungspflicht noch aufbewahren (Art. 17 Abs. 3 DSGVO)."
                        : " \(held) records we must still keep under a legal obligation (Art. 17(3) GDPR)."
            }
            return s
        case .revoke:
            return de ? "\(When) haben wir Ihre Einwilligung widerrufen; seitdem laden wir keine externen Medien mehr mit Ihrer Einwilligungs-ID."
                      : "\(When) we withdrew your consent; since then no external media are loaded under your consent id."
        case .amend:
            return de ? "\(When) haben wir Ihre Kontaktanfrage \(d["reference"] ?? "") berichtigt (geändert: \(d["fields"] ?? "-")); die alte Fassung ist überschrieben."
                      : "\(When) we corrected your contact request \(d["reference"] ?? "") (changed: \(d["fields"] ?? "-")); the old version is overwritten."
        case .restrict:
            return de ? "\(When) haben wir die Verarbeitung eingeschränkt: \(n("contact_requests")) Kontaktanfragen und \(n("consents")) Einwilligungen werden nur noch gespeichert und weder gelöscht noch anders genutzt, bis wir die Einschränkung aufheben; davor unterrichten wir Sie (Art. 18 Abs. 3 DSGVO)."
                      : "\(When) we restricted the processing: \(n("contact_requests")) contact requests and \(n("consents")) consents are only stored, neither deleted nor otherwise used, until we lift the restriction; we will tell you before (Art. 18(3) GDPR)."
        case .lift:
            return de ? "\(When) haben wir die Einschränkung aufgehoben." : "\(When) we lifted the restriction."
        case .object:
            return de ? "\(When) haben wir Ihren Widerspruch umgesetzt: bei \(n("consent_entries_minimised")) Einträgen zum Cookie-Banner Seite, IP-Adresse und Browserkennung gelöscht (die Auswahl selbst bewahren wir als Nachweis nach Art. 7 Abs. 1 DSGVO) und \(n("contact_requests_deleted")) beantwortete Kontaktanfragen gelöscht."
                      : "\(When) we gave effect to your objection: removed the page, IP address and user agent from \(n("consent_entries_minimised")) cookie banner entries (we keep the choice itself as proof under Art. 7(1) GDPR) and deleted \(n("contact_requests_deleted")) answered contact requests."
        case .answer:
            return de ? "\(When) haben wir Ihnen geantwortet." : "\(When) we answered you."
        }
    }

    func recipientsTold() -> Letter.Section {
        .init(heading: de ? "Wen wir unterrichtet haben (Art. 19 DSGVO)" : "Whom we told (Art. 19 GDPR)", blocks: [
            .paragraph(de ? "Über die \(request.type == .erasure ? "Löschung" : request.type == .rectification ? "Berichtigung" : "Einschränkung") haben wir die Empfänger Ihrer Daten unterrichtet:"
                          : "We told the recipients of your data about the \(request.type == .erasure ? "erasure" : request.type == .rectification ? "rectification" : "restriction"):"),
            .list(facts.recipientsTold),
        ])
    }

    func remainingRights() -> Letter.Section {
        .init(heading: de ? "Ihre Rechte" : "Your rights", blocks: [
            .paragraph(de ? "Sie haben weiterhin das Recht auf:" : "You keep the right to:"),
            .list(facts.rights),
            .paragraph(facts.complaint),
        ])
    }
}

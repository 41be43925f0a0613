import Foundation

/// What the letters take from the policy, in one place: the adapter to switch when the policy model
/// grows (controller, DPO, one legal basis per purpose, recipients, reasons for storage periods).
/// Today it reads `Policy` and the Art. 15 cover data of ``SubjectExport``.
struct LetterPolicyFacts: Sendable {
    let policy: Policy
    let language: LetterLanguage

    var de: Bool { language == .de }
    var timeZone: TimeZone { policy.timeZone }

    var sender: [String] {
        [policy.controller.name, policy.controller.address] + [policy.controller.email, policy.controller.phone].compactMap { $0 }
    }

    var signature: String { policy.controller.name }

    /// The banner's label for a method, as the person saw it (e.g. „Alle akzeptieren“).
    func label(_ method: String) -> String? {
        // The banner's text keys are the methods' stored names (`accept_all`, …, `withdraw`).
        policy.consent.texts[language.rawValue]?[method] ?? policy.consent.texts[Policy.fallbackLanguage]?[method]
    }

    func purposeTitle(_ id: String) -> String { policy.purpose(id)?.title.text(language.rawValue) ?? id }

    func serviceTitle(_ id: String) -> String {
        policy.consent.allServices.first { $0.service.id == id }?.service.title.text(language.rawValue) ?? id
    }

    /// Art. 15(1)(a): purposes with their legal bases.
    var purposes: [String] {
        let c = policy.contactRequests
        var list = [(de ? "Kontaktanfragen: " : "Contact requests: ") + c.purpose + (de ? " – Rechtsgrundlage: " : " – legal basis: ") + c.legalBasis]
        list.append(de
            ? "Nachweis Ihrer Auswahl im Cookie-Banner (Art. 7 Abs. 1 DSGVO) – Rechtsgrundlage: Art. 6 Abs. 1 lit. c DSGVO"
            : "Proof of your choice in the cookie banner (Art. 7(1) GDPR) – legal basis: Art. 6(1)(c) GDPR")
        for p in policy.consent.purposes {
            list.append("\(p.title.text(language.rawValue)): \(p.description.text(language.rawValue)) – \(de ? "Rechtsgrundlage" : "legal basis"): \(p.legalBasis)")
        }
        return list
    }

    static let categoryWords: [String: (de: String, en: String)] = [
        "name": ("Name", "name"), "email": ("E-Mail-Adresse", "e-mail address"), "phone": ("Telefonnummer", "phone number"),
        "message": ("Ihre Nachricht", "your message"), "callback_time": ("gewünschte Rückrufzeit", "preferred callback time"),
    ]

    /// Art. 15(1)(b).
    var categories: [String] {
        let contact = policy.contactRequests.categories.map { c in Self.categoryWords[c].map { de ? $0.de : $0.en } ?? c }
        return [
            (de ? "aus Kontaktanfragen: " : "from contact requests: ") + contact.joined(separator: ", "),
            de ? "aus dem Cookie-Banner: Einwilligungs-ID, Zeitpunkt, Ihre Auswahl je Zweck und Dienst, Seite, Sprache, IP-Adresse gekürzt (IPv4 /24, IPv6 /48), Browserkennung (User-Agent), Signal „Global Privacy Control“"
               : "from the cookie banner: consent id, time, your choice per purpose and service, page, language, IP address truncated (IPv4 /24, IPv6 /48), browser user agent, Global Privacy Control signal",
        ]
    }

    /// Art. 15(1)(c) and Art. 19: the recipients named by the policy.
    var recipients: [String] {
        policy.contactRequests.recipients + policy.consent.allServices.map {
            "\($0.service.title.text(language.rawValue)): \($0.service.provider) (\(de ? "nur nach Ihrer Einwilligung, direkt von Ihrem Browser" : "only after your consent, directly from your browser"))"
        }
    }

    /// Art. 19: who is told of a rectification, erasure or restriction (those who received contact data).
    var recipientsTold: [String] { policy.contactRequests.recipients }

    /// Art. 15(1)(d): each retention rule in words, with its reason.
    var storagePeriods: [String] {
        policy.retention.map { rule in
            let what = switch rule.data {
            case .contactRequests: de ? "Kontaktanfragen" : "Contact requests"
            case .consentRecords: de ? "Einträge zu Ihrer Auswahl im Cookie-Banner" : "Records of your cookie banner choices"
            case .auditEntries: de ? "Protokolleinträge unserer Datenschutz-Vorgänge (ohne Klardaten)" : "Log entries of our data protection actions (no data in clear)"
            }
            let action = rule.action == .delete ? (de ? "gelöscht" : "deleted") : (de ? "anonymisiert" : "anonymised")
            let span = LetterWording.duration(rule.after, language)
            let when: String = switch rule.starts {
            case .received: de ? "\(span) nach Eingang" : "\(span) after receipt"
            case .withdrawn: de ? "\(span) nach Ihrem Widerruf" : "\(span) after you withdrew"
            case .expired: de ? "\(span) nach Ablauf der Gültigkeit" : "\(span) after it expired"
            case .programmeEnd:
                span.isEmpty
                    ? (de ? "mit dem Ende des Programms (\(LetterWording.day(policy.programmeEndInstant.addingTimeInterval(-1), timeZone, language)))" : "when the programme ends (\(LetterWording.day(policy.programmeEndInstant.addingTimeInterval(-1), timeZone, language)))")
                    : (de ? "\(span) nach dem Ende des Programms" : "\(span) after the programme's end")
            }
            let reason = switch rule.data {
            case .contactRequests: de ? "Grund: wir brauchen sie nur, um Ihre Anfrage im Programm zu beantworten" : "reason: we need them only to answer your request within the programme"
            case .consentRecords: de ? "Grund: Nachweispflicht (Art. 7 Abs. 1 DSGVO) und Verjährungsfristen" : "reason: duty to prove consent (Art. 7(1) GDPR) and limitation periods"
            case .auditEntries: de ? "Grund: Rechenschaftspflicht (Art. 5 Abs. 2 DSGVO)" : "reason: accountability (Art. 5(2) GDPR)"
            }
            return "\(what): \(action) \(when) (\(reason))"
        }
    }

    /// Art. 15(1)(e) and the rights that remain in every case.
    var rights: [String] {
        de ? [
            "Auskunft (Art. 15 DSGVO)", "Berichtigung (Art. 16 DSGVO)", "Löschung (Art. 17 DSGVO)",
            "Einschränkung der Verarbeitung (Art. 18 DSGVO)", "Datenübertragbarkeit (Art. 20 DSGVO)",
            "Widerspruch gegen Verarbeitungen nach Art. 6 Abs. 1 lit. e oder f DSGVO (Art. 21 DSGVO)",
            "Widerruf Ihrer Einwilligung jederzeit mit Wirkung für die Zukunft (Art. 7 Abs. 3 DSGVO)",
        ] : [
            "access (Art. 15 GDPR)", "rectification (Art. 16 GDPR)", "erasure (Art. 17 GDPR)",
            "restriction of processing (Art. 18 GDPR)", "data portability (Art. 20 GDPR)",
            "objection to processing based on Art. 6(1)(e) or (f) GDPR (Art. 21 GDPR)",
            "withdrawal of your consent at any time, for the future (Art. 7(3) GDPR)",
        ]
    }

    /// Art. 15(1)(f) and Art. 77.
    var complaint: String {
        de ? "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO), insbesondere bei: \(policy.controller.supervisoryAuthority)"
           : "You may complain to a data protection supervisory authority (Art. 77 GDPR), in particular: \(policy.controller.supervisoryAuthority)"
    }

    /// Art. 15(1)(g).
    var source: String {
        de ? "\(policy.contactRequests.source); Einträge zum Cookie-Banner: Ihre Auswahl im Banner unserer Website"
           : "contact requests: the contact form of our website, filled in by you; cookie banner records: your choices in the banner of our website"
    }

    /// Art. 15(1)(h).
    var automatedDecisions: String {
        de ? "Es findet keine automatisierte Entscheidungsfindung einschließlich Profiling statt (Art. 22 DSGVO)."
           : "No automated decision-making, including profiling, takes place (Art. 22 GDPR)."
    }

    /// Art. 15(2).
    var thirdCountries: String {
        de ? "Wir selbst übermitteln keine Daten in Drittländer. Eingebettete Dienste (YouTube, Google Maps) können Daten in Drittländer übertragen, sobald Sie sie erlauben."
           : "We transfer no data to third countries ourselves. Embedded services (YouTube, Google Maps) may transfer data to third countries once you allow them."
    }
}

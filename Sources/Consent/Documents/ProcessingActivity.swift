import Foundation

/// One processing of personal data as the notice (Art. 13), the record (Art. 30(1)) and the
/// export (Art. 15(1)) describe it, derived from the policy so the three cannot drift apart.
public struct ProcessingActivity: Sendable {
    public enum Kind: String, Sendable { case consentPurpose = "consent_purpose", contactRequests = "contact_requests" }

    public var id: String
    public var kind: Kind
    public var title: LocalizedText
    public var purpose: LocalizedText
    public var basis: LegalBasis
    public var disclosure: Disclosure
    /// The retention rules that govern its data (Art. 13(2)(a), 30(1)(f)).
    public var retention: [RetentionRule]
    /// Third-party services loaded under it.
    public var services: [Service]
    /// Whether the banner asks for it (consent purposes that can be refused).
    public var optional: Bool

    /// The rights that apply, following from the basis.
    public var rights: [DataSubjectRight] { basis.rights }
}

extension Policy {
    /// Every processing the engine carries out for this policy: one per consent purpose (the
    /// required one covers the consent cookie and the record of choices), and the contact form.
    public var activities: [ProcessingActivity] {
        let consentRules = retention.filter { $0.data == .consentRecords }
        var list: [ProcessingActivity] = consent.purposes.map { p in
            // The required purpose covers the consent cookie and the record of every choice.
            let title = p.required
                ? LocalizedText(values: ["de": "Ihre Cookie-Auswahl (\(p.title.text("de")))", "en": "Your cookie choice (\(p.title.text("en")))"])
                : p.title
            return ProcessingActivity(id: p.id, kind: .consentPurpose, title: title, purpose: p.description, basis: p.basis,
                               disclosure: p.disclosure, retention: p.required ? consentRules : [], services: p.services,
                               optional: !p.required)
        }
        let c = contactRequests
        list.append(ProcessingActivity(
            id: "contact_requests", kind: .contactRequests,
            title: LocalizedText(values: ["de": "Kontaktformular", "en": "Contact form"]),
            purpose: c.purposeText ?? LocalizedText(values: ["de": c.purpose]), basis: c.basis, disclosure: c.disclosure,
            retention: retention.filter { $0.data == .contactRequests }, services: [], optional: false))
        return list
    }

    /// Every basis the policy uses, once each (for the rights section of the notice).
    public var basisCodes: [LegalBasisCode] {
        LegalBasisCode.allCases.filter { code in activities.contains { $0.basis.code == code } }
    }
}

extension ISODuration {
    /// "6 Monate", "3 years", "sofort" for a zero duration.
    public func spoken(_ language: String) -> String {
        let de = language == "de"
        let parts: [(Int, String, String, String, String)] = [
            (years, "Jahr", "Jahre", "year", "years"), (months, "Monat", "Monate", "month", "months"),
            (weeks, "Woche", "Wochen", "week", "weeks"), (days, "Tag", "Tage", "day", "days"),
            (hours, "Stunde", "Stunden", "hour", "hours"), (minutes, "Minute", "Minuten", "minute", "minutes"),
            (seconds, "Sekunde", "Sekunden", "second", "seconds"),
        ]
        let words = parts.filter { $0.0 != 0 }.map { n, d1, dn, e1, en in "\(n) \(de ? (n == 1 ? d1 : dn) : (n == 1 ? e1 : en))" }
        if words.isEmpty { return de ? "sofort" : "immediately" }
        return words.joined(separator: de ? " und " : " and ")
    }
}

extension RetentionRule {
    /// "gelöscht 6 Monate nach Eingang" / "deleted 6 months after receipt".
    public func spoken(_ language: String, policy: Policy) -> String {
        let de = language == "de"
        let what: String
        switch (data, appliesTo) {
        case (.contactRequests, _): what = de ? "Kontaktanfragen" : "Contact requests"
        case (.consentRecords, .refusals): what = de ? "Nachweise einer Ablehnung" : "Records of a refusal"
        case (.consentRecords, .all): what = de ? "Nachweise Ihrer Auswahl" : "Records of your choice"
        case (.auditEntries, _): what = de ? "Einträge des Prüfprotokolls" : "Audit log entries"
        }
        let action = switch action {
        case .delete: de ? "gelöscht" : "deleted"
        case .anonymise: de ? "anonymisiert" : "anonymised"
        }
        let end = DocumentText.date(policy.programme.endDate, language)
        let event = switch starts {
        case .received: de ? "nach Eingang bzw. Speicherung" : "after they were received or recorded"
        case .withdrawn: de ? "nach dem Widerruf" : "after the consent was withdrawn"
        case .expired: de ? "nach Ablauf der Gültigkeit (\(policy.consent.validDays) Tage)" : "after the choice expired (\(policy.consent.validDays) days)"
        case .programmeEnd: de ? "nach dem Ende des Programms (\(end))" : "after the programme's end (\(end))"
        }
        let when = after.isZero ? (de ? "unmittelbar" : "immediately") : after.spoken(language)
        return de ? "\(what) werden \(when) \(event) \(action)." : "\(what) are \(action) \(when) \(event)."
    }
}

extension ISODuration {
    var isZero: Bool { years == 0 && months == 0 && weeks == 0 && days == 0 && hours == 0 && minutes == 0 && seconds == 0 }
}

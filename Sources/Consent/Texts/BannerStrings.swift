/// The banner script's own visible strings (placeholder buttons, "Immer aktiv", the GPC notice, …).
///
/// They are part of what a visitor sees before choosing, so they come from the policy
/// (`consent.banner_strings.<lang>`), are served with `GET /v1/config` and are kept with the other
/// texts of a policy version (Art. 7(1): the controller must be able to show what a consent was given
/// to, also for a consent given through a placeholder button). A key the policy leaves out takes the
/// engine's default below; `{service}` and `{provider}` are filled in by the banner.
public enum BannerStrings {
    /// Every key the banner script reads, with the engine's German and English defaults.
    public static let defaults: [String: [String: String]] = [
        "de": [
            "settings_title": "Cookie-Einstellungen",
            "always_active": "Immer aktiv",
            "legal_basis": "Rechtsgrundlage",
            "provider": "Anbieter",
            "provider_privacy": "Datenschutzerklärung des Anbieters",
            "services": "Dienste",
            "consent_id": "Ihre Consent-ID",
            "consent_id_hint": "Bitte nennen Sie diese ID, wenn Sie sich wegen Ihrer Einwilligung an uns oder unseren Datenschutzbeauftragten wenden.",
            "receipt": "Beleg Ihrer Auswahl herunterladen (JSON)",
            "no_consent_yet": "Sie haben noch keine Auswahl gespeichert.",
            "recorded_at": "Gespeichert am",
            "expires_at": "Gültig bis",
            "current_choice": "Ihre aktuelle Auswahl",
            "close": "Schließen",
            "back": "Zurück",
            "gpc": "Ihr Browser sendet das Signal „Global Privacy Control“ (GPC). Wir respektieren es: Alle optionalen Dienste sind ausgeschaltet, solange Sie nicht selbst etwas anderes wählen.",
            "saving": "Wird gespeichert …",
            "saved": "Ihre Auswahl wurde gespeichert.",
            "withdrawn": "Ihre Einwilligung wurde widerrufen. Externe Inhalte werden nicht mehr geladen.",
            "error_save": "Ihre Auswahl konnte gerade nicht gespeichert werden. Bitte versuchen Sie es erneut.",
            "policy_changed": "Unsere Hinweise haben sich soeben geändert. Bitte treffen Sie Ihre Auswahl erneut.",
            "placeholder_text": "Hier wird ein Inhalt von {service} eingebunden. Wenn Sie ihn laden, werden Daten (u. a. Ihre IP-Adresse) an {provider} übertragen, auch in Drittländer.",
            "placeholder_button": "{service} erlauben und laden",
            "placeholder_note": "Ihre Einwilligung wird gespeichert; Sie können sie jederzeit in den Cookie-Einstellungen widerrufen.",
            "placeholder_title": "Externer Inhalt: {service}",
            "new_tab": "(öffnet in neuem Tab)",
        ],
        "en": [
            "settings_title": "Cookie settings",
            "always_active": "Always active",
            "legal_basis": "Legal basis",
            "provider": "Provider",
            "provider_privacy": "Provider’s privacy policy",
            "services": "Services",
            "consent_id": "Your consent ID",
            "consent_id_hint": "Please quote this ID when you contact us or our data protection officer about your consent.",
            "receipt": "Download the receipt of your choice (JSON)",
            "no_consent_yet": "You have not saved a choice yet.",
            "recorded_at": "Saved on",
            "expires_at": "Valid until",
            "current_choice": "Your current choice",
            "close": "Close",
            "back": "Back",
            "gpc": "Your browser sends the Global Privacy Control (GPC) signal. We respect it: all optional services are switched off unless you choose otherwise yourself.",
            "saving": "Saving …",
            "saved": "Your choice has been saved.",
            "withdrawn": "Your consent has been withdrawn. External content is no longer loaded.",
            "error_save": "Your choice could not be saved just now. Please try again.",
            "policy_changed": "Our notice has just changed. Please make your choice again.",
            "placeholder_text": "Content from {service} is embedded here. Loading it sends data (including your IP address) to {provider}, also to third countries.",
            "placeholder_button": "Allow and load {service}",
            "placeholder_note": "Your consent is saved; you can withdraw it at any time in the cookie settings.",
            "placeholder_title": "External content: {service}",
            "new_tab": "(opens in a new tab)",
        ],
    ]

    /// The keys a policy may set.
    public static let keys: Set<String> = Set(defaults["de"]!.keys)
}

extension Policy {
    /// The banner script's strings in `language` (a language the policy has texts for): the
    /// policy's own, completed from ``BannerStrings/defaults`` (that language's, else German).
    public func bannerStrings(language: String) -> [String: String] {
        let base = BannerStrings.defaults[language] ?? BannerStrings.defaults[Policy.fallbackLanguage]!
        return base.merging(consent.bannerStrings[language] ?? [:]) { _, own in own }
    }
}

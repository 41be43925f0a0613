import Consent
import Hummingbird

/// `GET /v1/config?lang=de`: everything the banner needs to ask, in one language.
struct ConfigRoutes {
    let services: WebFacingServices

    struct Config: ResponseEncodable {
        var policyVersion: String
        var language: String
        var languages: [String]
        var consentValidDays: Int
        var texts: [String: String]
        /// The banner script's own strings; kept with `texts` under `texts_hash` (docs/texts.md).
        var bannerStrings: [String: String]
        /// The hash new entries in `language` record: of exactly what this answer shows.
        var textsHash: String
        var purposes: [PurposeConfig]
        var controller: ControllerConfig
        var contactRequestsOpen: Bool
        var programmeEnd: String

        enum CodingKeys: String, CodingKey {
            case language, languages, texts, purposes, controller
            case policyVersion = "policy_version", consentValidDays = "consent_valid_days"
            case contactRequestsOpen = "contact_requests_open", programmeEnd = "programme_end"
            case bannerStrings = "banner_strings", textsHash = "texts_hash"
        }
    }

    struct PurposeConfig: Encodable {
        var id: String
        var required: Bool
        var title: String
        var description: String
        var legalBasis: String
        var services: [ServiceConfig]
        enum CodingKeys: String, CodingKey { case id, required, title, description, services, legalBasis = "legal_basis" }
    }

    struct ServiceConfig: Encodable {
        var id: String
        var title: String
        var provider: String
        var privacyURL: String
        enum CodingKeys: String, CodingKey { case id, title, provider, privacyURL = "privacy_url" }
    }

    struct ControllerConfig: Encodable {
        var name: String
        var address: String
    }

    func register(on router: Router<PrivacyRequestContext>) {
        router.get("/v1/config") { request, _ -> Config in
            let policy = services.policy
            // After `consent.collect_until` the banner has nothing to ask: 410 tells the script to
            // show neither the banner nor embeds.
            if let end = policy.consentCollectionEnd, !policy.isCollectingConsents(at: services.clock.now()) {
                throw APIError.collectionEnded(since: end)
            }
            // Everything shown comes from the same snapshot that new entries in this language record.
            let snapshot = services.ledger.snapshot(language: policy.textLanguage(request.uri.queryParameters.get("lang")))
            let shown = snapshot.texts
            let config = Config(
                policyVersion: policy.version, language: shown.language, languages: policy.textLanguages,
                consentValidDays: policy.consent.validDays, texts: shown.texts,
                bannerStrings: shown.bannerStrings, textsHash: snapshot.hashHex,
                purposes: shown.purposes.map { p in
                    PurposeConfig(id: p.id, required: p.required, title: p.title, description: p.description,
                                  legalBasis: p.legalBasis,
                                  services: p.services.map { ServiceConfig(id: $0.id, title: $0.title, provider: $0.provider, privacyURL: $0.privacyURL) })
                },
                controller: ControllerConfig(name: policy.controller.name, address: policy.controller.address),
                contactRequestsOpen: policy.isCollecting(at: services.clock.now()),
                programmeEnd: Timestamp.format(policy.programmeEndInstant))
            return config
        }
    }
}

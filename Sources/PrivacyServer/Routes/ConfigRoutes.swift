import Consent
import Foundation
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

    /// A config answer encoded once: it changes only with the language and whether contact
    /// requests are open (the policy is fixed while the server runs), and every page view asks for it.
    struct Encoded: ResponseEncodable, PrebuiltAPIJSON {
        let config: Config
        let json: [UInt8]
        init(_ config: Config) throws {
            self.config = config
            json = [UInt8](try JSONEncoder.api.encode(config))
        }
        func encode(to encoder: any Encoder) throws { try config.encode(to: encoder) }
        func apiJSON() -> [UInt8]? { json }
    }

    /// The answer in `language` (one the policy has texts in), built from the policy as it is.
    static func config(_ services: WebFacingServices, language: String, contactRequestsOpen: Bool) -> Config {
        let policy = services.policy
        // Everything shown comes from the same snapshot that new entries in this language record.
        let snapshot = services.ledger.snapshot(language: language)
        let shown = snapshot.texts
        return Config(
            policyVersion: policy.version, language: shown.language, languages: policy.textLanguages,
            consentValidDays: policy.consent.validDays, texts: shown.texts,
            bannerStrings: shown.bannerStrings, textsHash: snapshot.hashHex,
            purposes: shown.purposes.map { p in
                PurposeConfig(id: p.id, required: p.required, title: p.title, description: p.description,
                              legalBasis: p.legalBasis,
                              services: p.services.map { ServiceConfig(id: $0.id, title: $0.title, provider: $0.provider, privacyURL: $0.privacyURL) })
            },
            controller: ControllerConfig(name: policy.controller.name, address: policy.controller.address),
            contactRequestsOpen: contactRequestsOpen,
            programmeEnd: Timestamp.format(policy.programmeEndInstant))
    }

    /// Every answer, by language and then by whether contact requests are open.
    static func encodeAll(_ services: WebFacingServices) throws -> [String: [Bool: Encoded]] {
        var all: [String: [Bool: Encoded]] = [:]
        for language in services.policy.textLanguages {
            for open in [false, true] {
                all[language, default: [:]][open] = try Encoded(config(services, language: language, contactRequestsOpen: open))
            }
        }
        return all
    }

    func register(on router: Router<PrivacyRequestContext>) {
        let encoded = (try? Self.encodeAll(services)) ?? [:]
        router.get("/v1/config") { request, _ -> Encoded in
            let policy = services.policy
            // After `consent.collect_until` the banner has nothing to ask: 410 tells the script to
            // show neither the banner nor embeds.
            let now = services.clock.now()
            if let end = policy.consentCollectionEnd, !policy.isCollectingConsents(at: now) {
                throw APIError.collectionEnded(since: end)
            }
            let language = policy.textLanguage(request.uri.queryParameters.get("lang"))
            let open = policy.isCollecting(at: now)
            if let answer = encoded[language]?[open] { return answer }
            return try Encoded(Self.config(services, language: language, contactRequestsOpen: open))
        }
    }
}

import HTTPTypes
import Consent
import Foundation
import Hummingbird

/// `POST /v1/consents`, `GET /v1/consents/{consent_id}`, `DELETE /v1/consents/{consent_id}`.
struct ConsentRoutes {
    let services: WebFacingServices
    let clientAddress: ClientAddress

    /// The body of `POST /v1/consents`, as sent; checked against the policy by the ledger.
    struct RecordBody: StrictJSONBody {
        var consentID: String?
        var policyVersion: String?
        var purposes: [String: Bool]?
        var services: [String: Bool]?
        var method: String?
        var pageURL: String?
        var language: String?

        enum CodingKeys: String, CodingKey {
            case purposes, services, method, language
            case consentID = "consent_id", policyVersion = "policy_version", pageURL = "page_url"
        }

        /// As the synthesised `init(from:)`: member by member in the order of `CodingKeys`.
        init(strict o: [String: StrictJSON.Value]) throws {
            purposes = try StrictMember.flags(o, CodingKeys.purposes)
            services = try StrictMember.flags(o, CodingKeys.services)
            method = try StrictMember.text(o, CodingKeys.method)
            language = try StrictMember.text(o, CodingKeys.language)
            consentID = try StrictMember.text(o, CodingKeys.consentID)
            policyVersion = try StrictMember.text(o, CodingKeys.policyVersion)
            pageURL = try StrictMember.text(o, CodingKeys.pageURL)
        }
    }

    func register(on router: Router<PrivacyRequestContext>) {
        router.post("/v1/consents") { request, context in try await record(request, context) }
        router.get("/v1/consents/:consent_id") { _, context in try await show(context) }
        router.delete("/v1/consents/:consent_id") { request, context in try await withdraw(request, context) }
    }

    func record(_ request: Request, _ context: PrivacyRequestContext) async throws -> EditedResponse<ConsentState> {
        // After `consent.collect_until` nothing is recorded (withdrawal and reading stay possible).
        if let end = services.policy.consentCollectionEnd, !services.policy.isCollectingConsents(at: services.clock.now()) {
            throw APIError.collectionEnded(since: end)
        }
        let body = try await RequestDecoding.decode(RecordBody.self, from: request, context: context)
        var problems: [String: String] = [:]
        var consentID: ConsentID?
        if let raw = body.consentID {
            consentID = ConsentID(raw)
            if consentID == nil { problems["consent_id"] = "is not a consent id (8–64 characters of A–Z, a–z, 0–9, '_', '-', not starting with '-')" }
        }
        let method = body.method.flatMap(ConsentMethod.init(rawValue:))
        if body.method == nil { problems["method"] = "is required" }
        else if method == nil { problems["method"] = "must be one of \(ConsentMethod.allCases.map(\.rawValue).joined(separator: ", "))" }
        if body.policyVersion == nil { problems["policy_version"] = "is required" }
        guard problems.isEmpty, let method, let version = body.policyVersion else { throw APIError.invalid(problems) }
        if let consentID { try await services.ledger.checkClientChosen(consentID) }
        let choice = ConsentChoice(consentID: consentID, policyVersion: version, purposes: body.purposes ?? [:],
                                   services: body.services ?? [:], method: method, pageURL: body.pageURL, language: body.language)
        let state = try await services.ledger.record(choice, provenance: provenance(request, context))
        return EditedResponse(status: .created, response: state)
    }

    func show(_ context: PrivacyRequestContext) async throws -> ConsentState {
        try await services.ledger.current(try consentID(context))
    }

    func withdraw(_ request: Request, _ context: PrivacyRequestContext) async throws -> ConsentState {
        let id = try consentID(context)
        // `?lang=` names the banner's language, so that the entry records the texts it showed.
        let state = try await services.ledger.withdraw(id, provenance: provenance(request, context), source: .web,
                                                     language: request.uri.queryParameters.get("lang"))
        return state
    }

    private func consentID(_ context: PrivacyRequestContext) throws -> ConsentID {
        let raw = context.parameters.get("consent_id") ?? ""
        guard let id = ConsentID(raw) else { throw APIError.notFound("No consent with this id exists.") }
        return id
    }

    /// At most 512 bytes, no control characters (a plain ASCII agent, the usual case, is taken as it is).
    static func cleanUserAgent(_ raw: String) -> String {
        let utf8 = raw.utf8
        if utf8.count <= 512 && utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return raw }
        return String(String.UnicodeScalarView(raw.unicodeScalars.lazy.filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(512)))
    }

    private func provenance(_ request: Request, _ context: PrivacyRequestContext) -> Provenance {
        let agent = request.headers.value(of: .userAgent).map(Self.cleanUserAgent)
        return Provenance(ipPrefix: clientAddress.prefix(request, context), userAgent: agent,
                          globalPrivacyControl: request.headers.value(of: Self.secGPC)?.trimmingCharacters(in: .whitespaces) == "1")
    }

    /// The Global Privacy Control header (a name built once, not per request).
    static let secGPC = HTTPField.Name("Sec-GPC")!
}

import Consent
import Hummingbird

/// `GET /v1/consents/{consent_id}/receipt`: the leaf of the consent's latest entry with its
/// inclusion proof against the newest checkpoint, or `pending: true` until one covers it.
/// Costs O(log n) stored hashes (no walk over the ledger).
struct ReceiptRoutes {
    let services: WebFacingServices

    func register(on router: Router<PrivacyRequestContext>) {
        router.get("/v1/consents/:consent_id/receipt") { _, context -> Receipt in
            let raw = context.parameters.get("consent_id") ?? ""
            guard let id = ConsentID(raw) else { throw APIError.notFound("No consent with this id exists.") }
            return try await Receipt.latest(for: id, in: services.store)
        }
    }
}

extension Receipt: ResponseEncodable {}

import Consent
import Hummingbird

/// `GET /v1/consents/{consent_id}/receipt`: the leaf of the consent's latest entry with its
/// inclusion proof against the newest checkpoint, or `pending: true` until one covers it.
/// Costs O(log n) stored hashes (no walk over the ledger).
struct ReceiptRoutes {
    let services: WebFacingServices

    func register(on router: Router<PrivacyRequestContext>) {
        router.get("/v1/consents/:consent_id/receipt") { _, context in
            let raw = context.parameters.get("consent_id") ?? ""
            guard let id = ConsentID(raw) else { throw APIError.notFound("No consent with this id exists.") }
            let receipt = try await services.store.pool.read { db in try Receipt.latest(for: id, db) }
            return try jsonResponse(receipt)
        }
    }
}

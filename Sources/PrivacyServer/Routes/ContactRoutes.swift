import Consent
import Hummingbird

/// `POST /v1/contact-requests`: the contact form, sealed on arrival.
struct ContactRoutes {
    let services: WebFacingServices
    /// Told what each submission found about `vault.pub`, for `/healthz`.
    let sealing: SealingHealth

    struct FormBody: StrictJSONBody {
        var name: String?
        var email: String?
        var phone: String?
        var message: String?
        var callbackTime: String?
        var privacyNoticeAccepted: Bool?
        var consentID: String?

        enum CodingKeys: String, CodingKey {
            case name, email, phone, message
            case callbackTime = "callback_time", privacyNoticeAccepted = "privacy_notice_accepted", consentID = "consent_id"
        }

        /// As the synthesised `init(from:)`: member by member in the order of `CodingKeys`.
        init(strict o: [String: StrictJSON.Value]) throws {
            name = try StrictMember.text(o, CodingKeys.name)
            email = try StrictMember.text(o, CodingKeys.email)
            phone = try StrictMember.text(o, CodingKeys.phone)
            message = try StrictMember.text(o, CodingKeys.message)
            callbackTime = try StrictMember.text(o, CodingKeys.callbackTime)
            privacyNoticeAccepted = try StrictMember.flag(o, CodingKeys.privacyNoticeAccepted)
            consentID = try StrictMember.text(o, CodingKeys.consentID)
        }
    }

    struct Created: ResponseEncodable, PrebuiltAPIJSON {
        var reference: String

        /// `{"reference":"…"}` as `JSONEncoder` writes it, without running it per request.
        func apiJSON() -> [UInt8]? {
            var w = APIJSONWriter()
            w.open()
            w.key("reference"); guard w.string(reference) else { return nil }
            w.close()
            return w.out
        }
    }

    func register(on router: Router<PrivacyRequestContext>) {
        router.post("/v1/contact-requests") { request, context -> EditedResponse<Created> in
            let body = try await RequestDecoding.decode(FormBody.self, from: request, context: context)
            // The window is checked first: after the programme's end nothing is collected, valid or not.
            if !services.intake.isCollecting(at: services.clock.now()) {
                throw APIError(ConsentError.programmeEnded(endedAt: Timestamp.format(services.policy.programmeEndInstant)))
            }
            let form = try ContactForm(name: body.name, email: body.email, phone: body.phone, message: body.message,
                                       callbackTime: body.callbackTime, privacyNoticeAccepted: body.privacyNoticeAccepted,
                                       consentID: body.consentID)
            let reference: Reference
            do {
                reference = try await services.intake.submit(form)
                sealing.record(nil)
            } catch let refusal as SealingKeyError {
                sealing.record(refusal)
                // Never sealed to an unpinned (or unreadable) key, never to the retired one instead.
                let code = if case .unpinned = refusal { "vault_key_unpinned" } else { "vault_key_unavailable" }
                throw APIError(status: .serviceUnavailable, code: code,
                               message: "Contact requests cannot be taken right now: the server's sealing key is not usable. Nothing was stored; please try again later or call the office.")
            }
            return EditedResponse(status: .created, response: Created(reference: reference.rawValue))
        }
    }
}

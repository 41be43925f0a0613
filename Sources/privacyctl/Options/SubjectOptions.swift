import ArgumentParser
import Consent

/// Who a request is about: exactly one of --email and --consent-id.
struct SubjectOptions: ParsableArguments {
    @Option(help: "The e-mail address the person wrote from.") var email: String?
    @Option(name: .customLong("consent-id"), help: "The consent id the banner showed the person.") var consentID: String?

    func validate() throws {
        switch (email, consentID) {
        case (nil, nil): throw ValidationError("name the person: --email ADDR or --consent-id ID")
        case (.some, .some): throw ValidationError("give either --email or --consent-id, not both")
        case (.some(let e), nil) where !e.contains("@"): throw ValidationError("--email \(e) is not an e-mail address")
        default: break
        }
    }

    func subject() throws -> DataSubject {
        if let email { return .email(email) }
        return .consentID(try parseConsentID(consentID!))
    }
}

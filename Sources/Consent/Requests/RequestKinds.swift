/// What a person asks for (Art. 7(3), 15–18, 20, 21 GDPR).
public enum RequestType: String, Sendable, Codable, CaseIterable {
    case access            // Art. 15
    case portability       // Art. 20
    case erasure           // Art. 17
    case rectification     // Art. 16
    case restriction       // Art. 18
    case objection         // Art. 21
    case withdrawal        // Art. 7(3)

    /// The article, as the letters cite it.
    public var article: String {
        switch self {
        case .access: "15"
        case .portability: "20"
        case .erasure: "17"
        case .rectification: "16"
        case .restriction: "18"
        case .objection: "21"
        case .withdrawal: "7(3)"
        }
    }
}

/// How the request reached the controller.
public enum RequestChannel: String, Sendable, Codable, CaseIterable {
    case letter, email, phone, office, web
}

/// How the person's identity was checked (Art. 12(6): reasonable doubts, additional information).
public enum IdentityCheck: String, Sendable, Codable, CaseIterable {
    /// An identity card shown in the office.
    case inPerson = "in_person"
    /// A reply from the e-mail address the data was given with.
    case emailReply = "email_reply"
    /// A letter to the postal address on file, answered.
    case postalReply = "postal_reply"
    /// A call back to the phone number on file.
    case callback
    /// The consent id, which only the person's browser holds, quoted by the person.
    case consentID = "consent_id"
    /// A signed letter matching what is on file.
    case signedLetter = "signed_letter"
}

/// How a request ended.
public enum RequestOutcome: String, Sendable, Codable, CaseIterable {
    case answered
    case refused
    case nothingHeld = "nothing_held"
}

/// A step the engine took for a request: the run that answered it (or part of it).
public enum RequestAction: String, Sendable, Codable, CaseIterable {
    case export, erase, revoke, amend, restrict, lift, object, answer
}

/// Who the request is about: by the kind of identifier the person gave.
public enum SubjectKind: String, Sendable, Codable {
    case email
    case consentID = "consent_id"
}

import Foundation
import GRDB

/// A stored contact request: everything personal is inside `sealed`; in clear only what retention needs.
struct ContactRequestRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "contact_requests"
    var reference: String
    var receivedAt: Int64
    var policyVersion: String
    var keyID: String
    var sealed: Data
    var emailIndex: Data
    var consentIndex: Data?

    enum CodingKeys: String, CodingKey {
        case reference, sealed
        case receivedAt = "received_at", policyVersion = "policy_version", keyID = "key_id"
        case emailIndex = "email_index", consentIndex = "consent_index"
    }

    /// The associated data that binds the sealed cell to its record and column.
    static func context(reference: String) -> String { "contact_requests/\(reference)/sealed" }
}

/// The sealed payload: the form plus when the privacy notice was accepted.
struct ContactPayload: Codable {
    var form: ContactForm
    var privacyNoticeAcceptedAt: String

    enum CodingKeys: String, CodingKey {
        case form, privacyNoticeAcceptedAt = "privacy_notice_accepted_at"
    }
}

/// A contact request opened for the DPO.
public struct ContactRequestView: Sendable, Codable, Equatable {
    public var reference: String
    public var receivedAt: String
    public var policyVersion: String
    public var name: String
    public var email: String?
    public var phone: String?
    public var message: String
    public var callbackTime: String?
    public var consentID: String?
    public var privacyNoticeAcceptedAt: String
    public var keyID: String

    enum CodingKeys: String, CodingKey {
        case reference, name, email, phone, message
        case receivedAt = "received_at", policyVersion = "policy_version", callbackTime = "callback_time"
        case consentID = "consent_id", privacyNoticeAcceptedAt = "privacy_notice_accepted_at", keyID = "key_id"
    }
}

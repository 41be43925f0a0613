import Foundation

/// What a visitor chose, as the website sends it (already decoded, not yet checked against the policy).
public struct ConsentChoice: Sendable {
    public var consentID: ConsentID?
    public var policyVersion: String
    public var purposes: [String: Bool]
    public var services: [String: Bool]
    public var method: ConsentMethod
    public var pageURL: String?
    public var language: String?

    public init(consentID: ConsentID? = nil, policyVersion: String, purposes: [String: Bool],
                services: [String: Bool] = [:], method: ConsentMethod, pageURL: String? = nil, language: String? = nil) {
        self.consentID = consentID
        self.policyVersion = policyVersion
        self.purposes = purposes
        self.services = services
        self.method = method
        self.pageURL = pageURL
        self.language = language
    }
}

/// What the server adds to a choice: never the full IP address, only its prefix.
public struct Provenance: Sendable {
    public var ipPrefix: String?
    public var userAgent: String?
    /// The `Sec-GPC: 1` header (Global Privacy Control).
    public var globalPrivacyControl: Bool

    public init(ipPrefix: String? = nil, userAgent: String? = nil, globalPrivacyControl: Bool = false) {
        self.ipPrefix = ipPrefix
        self.userAgent = userAgent
        self.globalPrivacyControl = globalPrivacyControl
    }

    public static let none = Provenance()
}

/// The current state of a consent, as `GET /v1/consents/{id}` and `privacyctl consent show` report it.
public struct ConsentState: Sendable, Codable, Equatable {
    public var consentID: String
    public var recordedAt: String
    public var expiresAt: String?
    public var policyVersion: String
    public var method: String
    public var source: String
    public var purposes: [String: Bool]
    public var services: [String: Bool]
    /// Past `expires_at`: the banner must ask again.
    public var expired: Bool
    /// Recorded under an older policy version: the banner must ask again.
    public var policyOutdated: Bool
    public var gpc: Bool
    public var gpcConflict: Bool
    public var receipt: Receipt

    /// Proof of the entry: its place in the ledger and its hash (and the hash of the texts shown).
    public struct Receipt: Sendable, Codable, Equatable {
        public var sequence: Int64
        public var entryHash: String
        public var textsHash: String?
        enum CodingKeys: String, CodingKey {
            case sequence, entryHash = "entry_hash", textsHash = "texts_hash"
        }
    }

    enum CodingKeys: String, CodingKey {
        case method, source, purposes, services, expired, gpc, receipt
        case consentID = "consent_id", recordedAt = "recorded_at", expiresAt = "expires_at"
        case policyVersion = "policy_version", policyOutdated = "policy_outdated", gpcConflict = "gpc_conflict"
    }
}

/// One entry of a consent's history, as `privacyctl consent history` and the export show it.
public struct HistoryEntry: Sendable, Codable, Equatable {
    public var sequence: Int64
    public var recordedAt: String
    public var expiresAt: String?
    public var policyVersion: String?
    public var method: String?
    public var source: String?
    public var purposes: [String: Bool]
    public var services: [String: Bool]
    public var pageURL: String?
    public var language: String?
    public var ipPrefix: String?
    public var userAgent: String?
    public var gpc: Bool?
    public var gpcConflict: Bool?
    public var reason: String?
    public var entryHash: String

    enum CodingKeys: String, CodingKey {
        case sequence, method, source, purposes, services, language, gpc, reason
        case recordedAt = "recorded_at", expiresAt = "expires_at", policyVersion = "policy_version"
        case pageURL = "page_url", ipPrefix = "ip_prefix", userAgent = "user_agent"
        case gpcConflict = "gpc_conflict", entryHash = "entry_hash"
    }
}

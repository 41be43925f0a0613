import Foundation
import Vault

/// What a tombstone records: an erasure (Art. 17) or a purge (Art. 5(1)(e)).
public enum TombstoneKind: String, Codable, Sendable {
    case erasure
    case purge
}

/// One retention rule as a purge applied it: enough to select the same records again on restore.
public struct PurgedRule: Codable, Sendable, Equatable {
    public var rule: String
    public var data: String
    public var action: String
    public var starts: String
    public var after: String
    /// Records whose clock started at or before this instant (ms since 1970) were due;
    /// `9223372036854775807` (Int64.max) means every record (a rule counted from the programme's end).
    public var cutoffMs: Int64
    public var holds: [String]
    /// `refusals` for a rule that selects only consent histories that never granted anything
    /// optional; absent for a rule over every record.
    public var appliesTo: String? = nil
    /// With `applies_to: refusals`: the optional purposes of the policy the purge ran under (what
    /// "granted something optional" meant then).
    public var optionalPurposes: [String]? = nil
    /// For a consent-records rule: the required purposes of the policy the purge ran under (a
    /// grant of those is no sign of consent when the "withdrawn" clock looks for the last grant).
    public var requiredPurposes: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case rule, data, action, starts, after, holds, cutoffMs = "cutoff_ms"
        case appliesTo = "applies_to", optionalPurposes = "optional_purposes", requiredPurposes = "required_purposes"
    }
}

extension PurgedRule {
    init(_ rule: RetentionRule, cutoff: Int64, policy: Policy) {
        self.init(rule: rule.id, data: rule.data.rawValue, action: rule.action.rawValue, starts: rule.starts.rawValue,
                  after: rule.after.text, cutoffMs: cutoff, holds: rule.holds.map(\.rawValue))
        if rule.data == .consentRecords {
            requiredPurposes = policy.consent.purposes.filter(\.required).map(\.id)
        }
        if rule.appliesTo != .all {
            appliesTo = rule.appliesTo.rawValue
            optionalPurposes = RetentionSelection.optionalPurposes(policy)
        }
    }
}

/// One line of the tombstone file (docs/backups.md): the record of a deletion, without personal data,
/// kept outside the database so a restored backup can forget again what was deleted after it.
///
/// A person is named only by keyed BLAKE2b hashes made with the blind-index key (the very values
/// stored in `contact_requests.email_index` / `consent_index`), which `keys rotate` never changes.
public struct Tombstone: Codable, Sendable, Equatable {
    public var v = 1
    public var seq: Int64 = 0
    public var at: String
    public var atMs: Int64
    public var kind: TombstoneKind
    /// Names the blind-index key the hashes were made with (a keyed hash of a constant).
    public var indexKey: String?
    /// The keyed subject hash the audit log uses for this erasure.
    public var subject: String?
    /// Blind-index values (`contact_requests.email_index`) whose contact requests were deleted.
    public var contactsByEmailIndex: [String]?
    /// Keyed hashes `consent:<id>` (`contact_requests.consent_index`) whose contact requests were deleted.
    public var contactsByConsentIndex: [String]?
    /// Keyed hashes `consent:<id>` of the consent ids whose ledger entries were redacted.
    public var ledgerByConsentIndex: [String]?
    /// `delete` or `anonymise`: what the erasure did to the ledger entries.
    public var consentAction: String?
    public var policyVersion: String?
    public var rules: [PurgedRule]?
    /// BLAKE2b-256 (hex) of the previous line's bytes (without its newline); 64 zeros for the first.
    public var prev: String = ""

    enum CodingKeys: String, CodingKey {
        case v, seq, at, kind, subject, rules, prev
        case atMs = "at_ms", indexKey = "index_key", contactsByEmailIndex = "contacts_by_email_index"
        case contactsByConsentIndex = "contacts_by_consent_index", ledgerByConsentIndex = "ledger_by_consent_index"
        case consentAction = "consent_action", policyVersion = "policy_version"
    }

    init(kind: TombstoneKind, at date: Date) {
        self.kind = kind
        self.at = Timestamp.format(date)
        self.atMs = Timestamp.millis(date)
    }

    /// The tombstone of an erasure: the keyed hashes that find the same records in an older copy.
    static func erasure(subject: DataSubject, consentIDs: [String], action: RetentionAction, index: BlindIndex, at: Date) -> Tombstone {
        var t = Tombstone(kind: .erasure, at: at)
        t.indexKey = index.tombstoneKeyID
        t.subject = index.subjectHash(subject)
        let consentHashes = consentIDs.map { Digest.hex(index.value(for: "consent:" + $0)) }.sorted()
        switch subject {
        case .email(let email):
            t.contactsByEmailIndex = [Digest.hex(index.value(forEmail: email))]
            t.contactsByConsentIndex = []
        case .consentID:
            t.contactsByEmailIndex = []
            t.contactsByConsentIndex = consentHashes
        }
        t.ledgerByConsentIndex = consentHashes
        t.consentAction = action.rawValue
        return t
    }
}

extension BlindIndex {
    /// Names the blind-index key without revealing it: 8 bytes of a keyed hash of a constant.
    public var tombstoneKeyID: String { Digest.hex(Array(value(for: "tombstone:index-key-id").prefix(8))) }
}

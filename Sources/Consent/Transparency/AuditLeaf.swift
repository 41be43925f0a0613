import Foundation

/// The leaf data of an audit-log entry: `audit-log-leaf/v1 LF <seq> LF` followed by the entry's
/// canonical text (the one its chain hash is taken over; see docs/transparency-log.md). The audit
/// log holds no personal data, so its leaf needs no salt. When retention deletes old audit
/// entries, their leaf hashes stay in the stored tree hashes.
extension AuditEntry {
    static let leafHeader = "audit-log-leaf/v1"

    var leaf: [UInt8] { Array("\(Self.leafHeader)\n\(seq)\n\(canonicalContent)".utf8) }
}

import Foundation
import GRDB

/// A restore as the audit log recorded it: what the database lost by going back to the backup.
public struct RestoreLoss: Codable, Sendable, Equatable {
    public var auditSequence: Int64
    public var restoredAt: String
    public var backupCreatedAt: String
    /// Ledger entries `firstLost…lastLost` of the replaced database are not in this one (their
    /// sequence numbers are reused by later entries); `nil` when nothing was lost or it is unknown.
    public var ledgerLost: ClosedRange<Int64>?
    public var auditLost: ClosedRange<Int64>?

    enum CodingKeys: String, CodingKey {
        case auditSequence = "audit_sequence", restoredAt = "restored_at", backupCreatedAt = "backup_created_at"
        case ledgerLost = "ledger_lost", auditLost = "audit_lost"
    }
}

/// The restores in the audit log, for `audit verify` to report next to the chains: a checkpoint
/// newer than the backup covers entries the restore lost, and that must read as the restore's loss.
public enum RestoreHistory {
    public static func losses(_ db: Database) throws -> [RestoreLoss] {
        try AuditLog.entries(db, since: nil).filter { $0.action == "restore" }.map { e in
            func range(_ backup: String, _ replaced: String) -> ClosedRange<Int64>? {
                guard let b = e.details[backup].flatMap(Int64.init), let r = e.details[replaced].flatMap(Int64.init), r > b else { return nil }
                return (b + 1)...r
            }
            return RestoreLoss(auditSequence: e.sequence, restoredAt: e.at, backupCreatedAt: e.details["backup_created_at"] ?? "?",
                               ledgerLost: range("backup_consent_ledger_max_seq", "replaced_consent_ledger_max_seq"),
                               auditLost: range("backup_audit_log_max_seq", "replaced_audit_log_max_seq"))
        }
    }
}

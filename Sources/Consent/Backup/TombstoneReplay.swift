import Foundation
import GRDB
import Vault

/// What re-applying one tombstone changed in a restored database.
public struct ReappliedTombstone: Codable, Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var kind: TombstoneKind
    /// The keyed subject hash (erasures) or the rule ids (purges): never personal data.
    public var subject: String?
    public var rules: [String]?
    public var contactRequestsDeleted: Int
    public var consentEntriesRedacted: Int
    public var auditEntriesDeleted: Int
    public var heldByLegalHold: Int

    enum CodingKeys: String, CodingKey {
        case seq, at, kind, subject, rules
        case contactRequestsDeleted = "contact_requests_deleted", consentEntriesRedacted = "consent_entries_redacted"
        case auditEntriesDeleted = "audit_entries_deleted", heldByLegalHold = "held_by_legal_hold"
    }
}

extension PurgedRule {
    /// The rule as the purge knew it, rebuilt from the tombstone (the policy may have changed since).
    func retentionRule() throws -> RetentionRule {
        guard let data = DataKind(rawValue: data), let action = RetentionAction(rawValue: action),
              let starts = RetentionEvent(rawValue: starts), let after = ISODuration(after) else {
            throw ConsentError.integrity("a purge tombstone names an unknown rule form (\(rule)); this build cannot re-apply it")
        }
        var rebuilt = RetentionRule(id: rule, data: data, starts: starts, after: after, action: action,
                                    holds: holds.compactMap(HoldKind.init(rawValue:)), line: 0)
        if let appliesTo {
            guard let scope = RetentionScope(rawValue: appliesTo) else {
                throw ConsentError.integrity("a purge tombstone names an unknown rule scope (\(appliesTo)); this build cannot re-apply it")
            }
            rebuilt.appliesTo = scope
        }
        return rebuilt
    }
}

extension RetentionSelection {
    /// The selection a purge made, with its recorded cut-off, stamped with the purge's instant.
    init(replaying rule: RetentionRule, cutoff: Int64, at: Int64, optionalPurposes: [String], requiredPurposes: [String]) {
        self.rule = rule
        self.cutoff = cutoff
        self.now = at
        self.grants = Self.grantsSQL(optionalPurposes: optionalPurposes)
        self.requiredPurposes = requiredPurposes
    }
}

/// Re-applies tombstones to a restored database, before anything else uses it.
///
/// Erasures find the person's records again by the keyed hashes the tombstone holds: contact
/// requests by `email_index` / `consent_index` (the stored blind-index values), ledger entries by
/// hashing each clear `consent_id` with the same key. Purges select again with the recorded
/// cut-off. Legal holds present in the restored database are honoured, as `erase` and `purge` do.
struct TombstoneReplay {
    let index: BlindIndex

    func apply(_ tombstone: Tombstone, _ db: Database, consentHashes: inout [String: String]?) throws -> ReappliedTombstone {
        if let key = tombstone.indexKey, key != index.tombstoneKeyID {
            throw ConsentError.integrity("tombstone \(tombstone.seq) was made with another blind-index key (\(key)); vault.pub's index key is \(index.tombstoneKeyID). Restore with the key folder the tombstones were written with")
        }
        var result = ReappliedTombstone(seq: tombstone.seq, at: tombstone.at, kind: tombstone.kind, subject: tombstone.subject,
                                        rules: tombstone.rules?.map(\.rule), contactRequestsDeleted: 0, consentEntriesRedacted: 0,
                                        auditEntriesDeleted: 0, heldByLegalHold: 0)
        switch tombstone.kind {
        case .erasure: try erase(tombstone, db, consentHashes: &consentHashes, into: &result)
        case .purge: try purge(tombstone, db, into: &result)
        }
        return result
    }

    private func erase(_ t: Tombstone, _ db: Database, consentHashes: inout [String: String]?, into result: inout ReappliedTombstone) throws {
        let heldRefs = try HoldBook.subjects(kind: .legalHold, subjectKind: .contactRequest, activeAt: nil, db)
        let heldConsents = try HoldBook.subjects(kind: .legalHold, subjectKind: .consent, activeAt: nil, db)
        for (column, values) in [("email_index", t.contactsByEmailIndex ?? []), ("consent_index", t.contactsByConsentIndex ?? [])] {
            for hex in values {
                guard let value = Self.hexData(hex) else { throw ConsentError.integrity("tombstone \(t.seq): \(column) value is not hex") }
                let refs = try String.fetchAll(db, sql: "SELECT reference FROM contact_requests WHERE \(column) = ?", arguments: [value])
                for ref in refs {
                    if heldRefs.contains(ref) { result.heldByLegalHold += 1; continue }
                    result.contactRequestsDeleted += try ContactRequestRow.deleteRow(reference: ref, db)
                }
            }
        }
        let wanted = t.ledgerByConsentIndex ?? []
        guard !wanted.isEmpty else { return }
        if consentHashes == nil {
            // One keyed hash per consent id in the ledger, computed once for all tombstones.
            var map: [String: String] = [:]
            let ids = try String.fetchCursor(db, sql: "SELECT DISTINCT consent_id FROM consent_ledger WHERE consent_id IS NOT NULL")
            while let id = try ids.next() { map[Digest.hex(index.value(for: "consent:" + id))] = id }
            consentHashes = map
        }
        let action = RetentionAction(rawValue: t.consentAction ?? "") ?? .delete
        for hash in wanted {
            guard let id = consentHashes?[hash] else { continue }
            let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE consent_id = ?", arguments: [id]) ?? 0
            if heldConsents.contains(id) { result.heldByLegalHold += n; continue }
            result.consentEntriesRedacted += try LedgerEntry.redactPersonalData(consentID: id, action: action, at: t.atMs, db)
            consentHashes?[hash] = nil
        }
    }

    private func purge(_ t: Tombstone, _ db: Database, into result: inout ReappliedTombstone) throws {
        for purged in t.rules ?? [] {
            let selection = RetentionSelection(replaying: try purged.retentionRule(), cutoff: purged.cutoffMs, at: t.atMs,
                                               optionalPurposes: purged.optionalPurposes ?? [],
                                               requiredPurposes: purged.requiredPurposes ?? [])
            while true {
                let n = try selection.apply(db, limit: 2000)
                if n == 0 { break }
                switch selection.rule.data {
                case .contactRequests: result.contactRequestsDeleted += n
                case .consentRecords: result.consentEntriesRedacted += n
                case .auditEntries: result.auditEntriesDeleted += n
                }
            }
        }
    }
}

extension TombstoneReplay {
    static func hexData(_ text: String) -> Data? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = Data(capacity: chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let byte = UInt8(String(decoding: chars[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }
}

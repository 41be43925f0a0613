import Foundation
import GRDB

/// The records one rule makes due, as SQL: counted for reports and dry runs, applied in batches.
struct RetentionSelection: Sendable {
    let rule: RetentionRule
    /// Records whose clock started at or before this instant (ms) are due; `nil`: none is due.
    let cutoff: Int64?
    /// The run's instant (ms), stamped on what it redacts.
    let now: Int64
    /// For a rule that applies to refusals only: the SQL test of an entry that grants something optional.
    let grants: String
    /// The required purposes (always granted, so never a sign of consent).
    let requiredPurposes: [String]

    /// A record is due when its event happened at or before *now minus the duration*, computed in
    /// the policy's time zone (so `P1D` across a daylight-saving change is one calendar day).
    init(rule: RetentionRule, policy: Policy, now: Date) {
        self.rule = rule
        self.now = Timestamp.millis(now)
        grants = Self.grantsSQL(optionalPurposes: Self.optionalPurposes(policy))
        self.requiredPurposes = policy.consent.purposes.filter(\.required).map(\.id)
        let calendar = policy.calendar
        switch rule.starts {
        case .programmeEnd:
            let dueAt = rule.after.added(to: policy.programmeEndInstant, in: calendar)
            cutoff = dueAt <= now ? Int64.max : nil
        case .received, .withdrawn, .expired:
            cutoff = Timestamp.millis(rule.after.subtracted(from: now, in: calendar))
        }
    }

    /// The ids of the policy's optional purposes.
    static func optionalPurposes(_ policy: Policy) -> [String] {
        policy.consent.purposes.filter { !$0.required }.map(\.id)
    }

    /// The SQL test of a ledger entry that grants an optional purpose or any service.
    static func grantsSQL(optionalPurposes: [String]) -> String {
        let optional = optionalPurposes.map { "purposes LIKE '%\"\($0)\":true%'" }
        return "(" + (["services LIKE '%:true%'"] + optional).joined(separator: " OR ") + ")"
    }

    /// The cut-off as an SQL literal (an integer, so it is safe to inline; it lets one query
    /// combine the conditions of several rules).
    private var cutoffSQL: String { String(cutoff ?? Int64.min) }

    /// The hold kinds that keep a record from this rule: the rule's own, and always a restriction
    /// (Art. 18: a restricted record is only stored until the restriction is lifted).
    private var keepingHolds: [HoldKind] { rule.holds.contains(.restriction) ? rule.holds : rule.holds + [.restriction] }

    /// A hold with an `until` in the past keeps nothing (it is reported by `hold list`).
    private func heldBy(_ kinds: [HoldKind]) -> String {
        switch rule.data {
        case .contactRequests: HoldBook.heldSQL("reference", subjectKind: .contactRequest, kinds: kinds, now: now)
        case .consentRecords, .auditEntries: HoldBook.heldSQL("consent_id", subjectKind: .consent, kinds: kinds, now: now)
        }
    }

    // MARK: Contact requests

    private var contactsDue: String { "received_at <= \(cutoffSQL)" }

    // MARK: Consent records

    /// Entries still holding what this rule's action removes.
    private var consentNotDone: String {
        rule.action == .delete ? "(redaction IS NULL OR redaction IN ('\(Redaction.anonymised.rawValue)', '\(Redaction.minimised.rawValue)'))"
            : "(redaction IS NULL OR redaction = '\(Redaction.minimised.rawValue)')"
    }

    /// Entries of consent ids whose every entry refused everything optional (a rule with `applies_to: refusals`).
    private var refusalsOnly: String {
        guard rule.appliesTo == .refusals else { return "" }
        return """
             AND consent_id IN (SELECT consent_id FROM consent_ledger WHERE consent_id IS NOT NULL
               GROUP BY consent_id HAVING MAX(CASE WHEN \(grants) THEN 1 ELSE 0 END) = 0)
            """
    }

    private var consentDue: String { consentDueAll + refusalsOnly }

    private var consentDueAll: String {
        let due: String
        switch rule.starts {
        case .received: due = "recorded_at <= \(cutoffSQL) AND \(consentNotDone)"
        case .programmeEnd: due = consentNotDone
        case .withdrawn:
            // The clock starts with the entry that ended the consent's last grant: the first entry
            // after the last one that granted anything optional, whatever its method (a `withdraw`,
            // a later `reject_all`, or a selection that switches the earlier grants off). While the
            // latest entry still grants something, the consent is not withdrawn.
            due = """
                \(consentNotDone) AND consent_id IN (
                  SELECT g.consent_id FROM (
                    SELECT consent_id, MAX(CASE WHEN \(Self.grantsOptional(required: requiredPurposes)) THEN seq END) AS last_grant
                    FROM consent_ledger WHERE consent_id IS NOT NULL GROUP BY consent_id) AS g
                  WHERE g.last_grant IS NOT NULL AND (
                    SELECT w.recorded_at FROM consent_ledger AS w
                    WHERE w.consent_id = g.consent_id AND w.seq > g.last_grant ORDER BY w.seq LIMIT 1) <= \(cutoffSQL))
                """
        case .expired:
            due = """
                \(consentNotDone) AND consent_id IN (
                  SELECT consent_id FROM (
                    SELECT consent_id, method, recorded_at, expires_at, MAX(seq)
                    FROM consent_ledger WHERE consent_id IS NOT NULL GROUP BY consent_id)
                  WHERE expires_at <= \(cutoffSQL))
                """
        }
        return due
    }

    /// SQL: the ledger row in scope (`consent_ledger`) grants an optional purpose or any service.
    /// Purpose ids are policy identifiers (`[a-z0-9_-]`), safe to inline.
    static func grantsOptional(required: [String]) -> String {
        let excluded = required.isEmpty ? "" : " AND p.key NOT IN (\(required.map { "'\($0)'" }.joined(separator: ",")))"
        return """
            (EXISTS (SELECT 1 FROM json_each(consent_ledger.purposes) AS p WHERE p.value = 1\(excluded)) \
            OR EXISTS (SELECT 1 FROM json_each(consent_ledger.services) AS s WHERE s.value = 1))
            """
    }

    // MARK: Audit entries (a prefix of the chain only, so the rest still verifies from its anchor)

    private func auditLastDue(_ db: Database, cutoff: Int64) throws -> Int64 {
        if let firstKept = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM audit_log WHERE at > ?", arguments: [cutoff]) {
            return firstKept - 1
        }
        return try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_log") ?? 0
    }

    // MARK: Counting and applying

    /// The rows this rule deletes or anonymises (due, and kept by none of its holds), as SQL.
    var takes: String? {
        guard cutoff != nil else { return nil }
        switch rule.data {
        case .contactRequests: return "(\(contactsDue) AND NOT \(heldBy(keepingHolds)))"
        case .consentRecords: return "(\(consentDue) AND NOT \(heldBy(keepingHolds)))"
        case .auditEntries: return nil
        }
    }

    /// Counts what this rule would do after the `earlier` rules of the run have done theirs, so a
    /// dry run reports exactly the counts of the real run even where rules overlap (a contact
    /// request due both at the programme's end and six months after receipt is counted once).
    func count(_ db: Database, after earlier: [RetentionSelection] = []) throws -> (due: Int, held: [String: Int]) {
        guard cutoff != nil else { return (0, [:]) }
        let excluded = earlier.filter { $0.rule.data == rule.data && $0.removesWhatThisTakes(self) }
            .compactMap(\.takes).map { " AND NOT \($0)" }.joined()
        var held: [String: Int] = [:]
        switch rule.data {
        case .contactRequests, .consentRecords:
            let table = rule.data == .contactRequests ? "contact_requests" : "consent_ledger"
            let due = rule.data == .contactRequests ? contactsDue : consentDue
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(due) AND NOT \(heldBy(keepingHolds))\(excluded)") ?? 0
            for kind in keepingHolds {
                let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(due) AND \(heldBy([kind]))\(excluded)") ?? 0
                if n > 0 { held[kind.rawValue] = n }
            }
            return (count, held)
        case .auditEntries:
            let last = try auditLastDue(db, cutoff: cutoff!)
            return (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE seq <= ?", arguments: [last]) ?? 0, [:])
        }
    }

    /// Whether what this (earlier) rule does leaves nothing for `later` to do to the same row:
    /// a deletion always does; an anonymisation only for a later anonymisation.
    func removesWhatThisTakes(_ later: RetentionSelection) -> Bool {
        rule.action == .delete || later.rule.action == .anonymise
    }

    /// Whether deleting the due records at once beats deleting them in batches.
    ///
    /// Deleting most of `contact_requests` batch by batch dirties nearly every leaf page of its
    /// three randomly keyed indexes (reference, e-mail index, consent index) in *every* batch, so the
    /// pages written grow with n² (a 10⁶-row purge wrote 18 GB for a 0.7 GB file). When at least half
    /// of the rows go, setting the keepers aside, emptying the table in one statement and putting
    /// them back is linear.
    func prefersBulk(_ db: Database, due: Int) throws -> Bool {
        guard rule.data == .contactRequests, due >= 10_000 else { return false }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0
        return due * 2 >= total
    }

    /// Deletes every due contact request in one transaction (see ``prefersBulk(_:due:)``); returns how many.
    func applyBulk(_ db: Database) throws -> Int {
        guard cutoff != nil, rule.data == .contactRequests else { return 0 }
        return try ContactRequestRow.deleteAllAtOnce(where: "\(contactsDue) AND NOT \(heldBy(keepingHolds))", db)
    }

    /// Deletes or anonymises up to `limit` due records; returns how many.
    func apply(_ db: Database, limit: Int) throws -> Int {
        guard let cutoff else { return 0 }
        switch rule.data {
        case .contactRequests:
            return try ContactRequestRow.deleteDue(where: "\(contactsDue) AND NOT \(heldBy(keepingHolds))", limit: limit, db)
        case .consentRecords:
            return try LedgerEntry.redactDue(where: "\(consentDue) AND NOT \(heldBy(keepingHolds))", action: rule.action, at: now,
                                             limit: limit, db)
        case .auditEntries:
            let last = try auditLastDue(db, cutoff: cutoff)
            guard let batchEnd = try Int64.fetchOne(db, sql: """
                SELECT MAX(seq) FROM (SELECT seq FROM audit_log WHERE seq <= ? ORDER BY seq LIMIT ?)
                """, arguments: [last, limit]),
                  let hash = try Data.fetchOne(db, sql: "SELECT entry_hash FROM audit_log WHERE seq = ?", arguments: [batchEnd])
            else { return 0 }
            return try AuditLog.deletePrefix(through: batchEnd, lastHash: hash, db)
        }
    }
}

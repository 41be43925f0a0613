import Foundation
import GRDB
import Synchronization
import Testing
@testable import Consent
import Vault

@Suite("Retention")
struct RetentionTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    /// Every row of every table, as text: to prove that a dry run changes nothing.
    func dump() async throws -> String {
        try await box.store.pool.read { db in
            var out = ""
            for table in ["consent_ledger", "contact_requests", "audit_log", "meta", "holds"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") { out += "\(table) \(row)\n" }
            }
            return out
        }
    }

    func contactCount() async throws -> Int { try await box.count("SELECT COUNT(*) FROM contact_requests") }

    // MARK: Contact requests at the programme's end

    @Test("contacts at programme end: none due at 2024-12-31T23:59:59+01:00, all due at 2025-01-01T00:00:00+01:00")
    func programmeEndBoundary() async throws {
        for at in ["2024-10-01T09:00:00+02:00", "2024-12-15T12:00:00+01:00", "2024-12-31T23:59:59+01:00"] {
            try await box.submit(email: "p\(at.prefix(10))@example.org", at: at)
        }
        let before = try await box.retention(at: "2024-12-31T23:59:59+01:00").run(dryRun: false)
        let rule = try #require(before.rule("contacts-at-programme-end"))
        #expect(rule.due == 0 && rule.done == 0)
        #expect(rule.dueIfBefore == nil)
        #expect(try await contactCount() == 3)

        let dry = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: true)
        #expect(dry.dryRun)
        #expect(dry.rule("contacts-at-programme-end")?.due == 3)
        #expect(dry.rule("contacts-at-programme-end")?.done == 0)
        #expect(try await contactCount() == 3)

        let at = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(at.rule("contacts-at-programme-end")?.due == 3)
        #expect(at.rule("contacts-at-programme-end")?.done == 3)
        #expect(at.rule("contacts-max-age")?.done == 0)
        #expect(try await contactCount() == 0)
        #expect(at.walTruncated)
        #expect(Timestamp.parse(at.asOf) == instant("2025-01-01T00:00:00+01:00"))
        #expect(at.policyVersion == box.policy.version)
        #expect(at.policyHash == box.policy.sourceHash)
    }

    @Test("contacts older than six months are due on their own rule before the programme ends")
    func maxAge() async throws {
        try await box.submit(email: "old@example.org", at: "2024-03-15T10:00:00+01:00")
        try await box.submit(email: "new@example.org", at: "2024-06-01T10:00:00+02:00")
        let early = try await box.retention(at: "2024-09-15T09:59:59.999+02:00").run(dryRun: true)
        #expect(early.rule("contacts-max-age")?.due == 0)
        let report = try await box.retention(at: "2024-09-15T10:00:00+02:00").run(dryRun: false)
        #expect(report.rule("contacts-max-age")?.done == 1)
        #expect(report.rule("contacts-at-programme-end")?.done == 0)
        #expect(try await box.archive().list().map(\.email) == ["new@example.org"])
    }

    // MARK: Dry run and idempotence

    /// A database with something due under every rule at `populatedNow`, and no record due under two rules:
    /// two contacts (programme end only), a consent withdrawn in January 2022 (withdrawal + 3 years, not yet
    /// expiry + 3 years), one expired in March 2022, one current; three audit entries, two older than six years.
    static let populatedNow = "2025-04-01T12:00:00+02:00"

    func populate() async throws {
        try await box.submit(email: "a@example.org", at: "2024-12-01T10:00:00+01:00")
        try await box.submit(email: "b@example.org", at: "2024-12-20T10:00:00+01:00")
        let withdrawn = try await box.record(.acceptAll, at: "2022-01-01T12:00:00+01:00")
        _ = try await box.ledger(at: "2022-01-10T12:00:00+01:00").withdraw(try #require(ConsentID(withdrawn.consentID)),
                                                                          provenance: .none, source: .web)
        try await box.record(.rejectAll, at: "2021-03-01T12:00:00+01:00")   // expired 2022-03-01
        try await box.record(.acceptAll, at: "2025-03-15T12:00:00+01:00")   // current
        try await box.store.pool.write { db in
            for at in ["2018-01-01T00:00:00+01:00", "2018-06-01T00:00:00+02:00", "2024-01-01T00:00:00+01:00"] {
                try AuditLog.append(action: "test", actor: "t", subject: nil, details: [:], at: instant(at), db)
            }
        }
    }

    @Test("a dry run reports the same counts as the real run and changes nothing")
    func dryRunEqualsRealRun() async throws {
        try await populate()
        let now = Self.populatedNow
        let snapshot = try await dump()
        let dry = try await box.retention(at: now).run(dryRun: true)
        #expect(try await dump() == snapshot)
        #expect(!dry.walTruncated)
        let real = try await box.retention(at: now).run(dryRun: false)
        #expect(dry.rules.map(\.rule) == real.rules.map(\.rule))
        for (d, r) in zip(dry.rules, real.rules) {
            #expect(d.due == r.due, "rule \(d.rule)")
            #expect(d.held == r.held, "rule \(d.rule)")
            #expect(d.dueIfBefore == r.dueIfBefore, "rule \(d.rule)")
            #expect(d.done == 0, "rule \(d.rule)")
            #expect(r.done == r.due, "rule \(d.rule)")
        }
        #expect(real.rule("contacts-at-programme-end")?.done == 2)
        #expect(real.rule("contacts-max-age")?.done == 0)
        #expect(real.rule("consent-proof-after-withdrawal")?.done == 2)
        #expect(real.rule("consent-proof-after-expiry")?.done == 1)
        #expect(real.rule("audit-entries")?.done == 2)
    }

    @Test("when two rules cover the same records, the dry run still counts what the real run does")
    func dryRunWithOverlappingRules() async throws {
        // At the programme's end a contact from June 2024 is due under both contact rules.
        try await box.submit(email: "june@example.org", at: "2024-06-01T10:00:00+02:00")
        try await box.submit(email: "dec@example.org", at: "2024-12-01T10:00:00+01:00")
        let now = "2025-01-01T00:00:00+01:00"
        let dry = try await box.retention(at: now).run(dryRun: true)
        let real = try await box.retention(at: now).run(dryRun: false)
        #expect(real.rules.reduce(0) { $0 + $1.done } == 2)
        #expect(dry.rules.reduce(0) { $0 + $1.due } == real.rules.reduce(0) { $0 + $1.done },
                "dry run would purge \(dry.rules.map { "\($0.rule)=\($0.due)" }), the real run purged \(real.rules.map { "\($0.rule)=\($0.done)" })")
        #expect(dry.rules.map(\.due) == real.rules.map(\.due))
    }

    @Test("a second run finds nothing more to do")
    func idempotent() async throws {
        try await populate()
        let now = Self.populatedNow
        let first = try await box.retention(at: now).run(dryRun: false)
        #expect(first.rules.contains { $0.done > 0 })
        let afterFirst = try await dump()
        let second = try await box.retention(at: now).run(dryRun: false)
        for rule in second.rules {
            #expect(rule.done == 0, "rule \(rule.rule)")
            #expect(rule.due == 0, "rule \(rule.rule)")
        }
        // Only the second purge's own audit entry was added.
        let audit = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(audit.suffix(2).map(\.action) == ["purge", "purge"])
        #expect(afterFirst.split(separator: "\n").filter { $0.hasPrefix("consent_ledger") }
                == (try await dump()).split(separator: "\n").filter { $0.hasPrefix("consent_ledger") })
        #expect(try await box.ledgerReport().ok)
        #expect(try await box.auditReport().ok)
    }

    @Test("small batches give the same result as one batch")
    func batches() async throws {
        for i in 0..<7 { try await box.submit(email: "p\(i)@example.org", at: "2024-12-0\(i + 1)T10:00:00+01:00") }
        let progress = ProgressLog()
        let report = try await Retention(store: box.store, policy: box.policy, clock: clock("2025-01-01T00:00:00+01:00"),
                                         actor: "test", batchSize: 3)
            .run(dryRun: false) { rule, done, due in progress.add("\(rule) \(done)/\(due)") }
        #expect(report.rule("contacts-at-programme-end")?.done == 7)
        #expect(progress.lines == ["contacts-at-programme-end 3/7", "contacts-at-programme-end 6/7", "contacts-at-programme-end 7/7"])
        #expect(try await contactCount() == 0)
    }

    @Test("a purge of more than 10 000 contact requests at once keeps the held ones and leaves no bytes of the rest")
    func bulkPurge() async throws {
        // Rows written directly (retention never opens them): 10 050 received in December 2024, 3 on hold.
        let random = SystemRandom()
        let rows = (0..<10_050).map { i in
            ContactRequestRow(reference: Reference.random(using: random).rawValue,
                              receivedAt: Timestamp.millis(instant("2024-12-01T10:00:00+01:00")) + Int64(i) * 60_000,
                              policyVersion: box.policy.version, keyID: box.keyPair.id.hex,
                              sealed: Data([1] + random.bytes(200)), emailIndex: Data(random.bytes(16)), consentIndex: nil)
        }
        try await box.store.pool.write { db in for row in rows { try row.insert(db) } }
        let book = box.holds(at: "2024-12-31T12:00:00+01:00")
        for row in rows.prefix(3) {
            _ = try await book.add(subjectKind: .contactRequest, subject: row.reference, kind: .legalHold, reason: nil)
        }
        let now = "2025-01-01T00:00:00+01:00"
        let dry = try await box.retention(at: now).run(dryRun: true)
        #expect(dry.rule("contacts-at-programme-end")?.due == 10_047)
        let real = try await box.retention(at: now).run(dryRun: false)
        let rule = try #require(real.rule("contacts-at-programme-end"))
        #expect(rule.due == 10_047)
        #expect(rule.done == 10_047)
        #expect(rule.held == ["legal_hold": 3])
        #expect(real.walTruncated)
        let left: [ContactRequestRow] = try await box.store.pool.read { db in
            try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests ORDER BY reference")
        }
        let kept: [ContactRequestRow] = rows.prefix(3).sorted { $0.reference < $1.reference }
        #expect(left.map(\.reference) == kept.map(\.reference))
        #expect(left.map(\.sealed) == kept.map(\.sealed))
        for row in rows.dropFirst(3).prefix(40) {
            #expect(box.filesContaining(Array(row.sealed.suffix(64))) == [], "purged record \(row.reference)")
            #expect(box.filesContaining(row.reference) == [], "purged reference \(row.reference)")
        }
        for row in rows.suffix(40) {
            #expect(box.filesContaining(Array(row.sealed.suffix(64))) == [], "purged record \(row.reference)")
        }
        #expect(!box.filesContaining(Array(rows[0].sealed.suffix(64))).isEmpty)
        // Nothing left for a second run.
        #expect(try await box.retention(at: now).run(dryRun: false).rule("contacts-at-programme-end")?.due == 0)
    }

    // MARK: Holds

    @Test("held records are kept and reported, on every run")
    func holds() async throws {
        let a = try await box.submit(email: "a@example.org", at: "2024-12-01T10:00:00+01:00")
        let b = try await box.submit(email: "b@example.org", at: "2024-12-02T10:00:00+01:00")
        try await box.submit(email: "c@example.org", at: "2024-12-03T10:00:00+01:00")
        let book = box.holds(at: "2024-12-20T10:00:00+01:00")
        _ = try await book.add(subjectKind: .contactRequest, subject: a.rawValue, kind: .legalHold, reason: "Az. 4 C 12/24")
        _ = try await book.add(subjectKind: .contactRequest, subject: b.rawValue, kind: .openRequest, reason: nil)
        for _ in 0..<2 {
            let report = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: false)
            let rule = try #require(report.rule("contacts-at-programme-end"))
            #expect(rule.held == ["legal_hold": 1, "open_request": 1])
            #expect(Set(try await box.archive().list().map(\.reference)) == [a.rawValue, b.rawValue])
            let purge = try #require(try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }.last)
            #expect(purge.action == "purge")
            #expect(purge.details["rule.contacts-at-programme-end.held"] == "2")
        }
        // Released, the record goes with the next run.
        let holds = try await book.list()
        try await book.release(id: try #require(holds.first { $0.subject == a.rawValue }?.id))
        let report = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(report.rule("contacts-at-programme-end")?.done == 1)
        #expect(try await box.archive().list().map(\.reference) == [b.rawValue])
    }

    @Test("a hold on a record that does not exist is refused")
    func holdOnNothing() async throws {
        await #expect(throws: ConsentError.self) {
            try await box.holds(at: "2024-12-20T10:00:00+01:00").add(subjectKind: .contactRequest, subject: "CR-NOPE", kind: .legalHold, reason: nil)
        }
    }

    // MARK: Consent records

    @Test("a withdrawn consent's entries go three years after the withdrawal, to the second")
    func withdrawnPlusThreeYears() async throws {
        let a = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(a.consentID))
        _ = try await box.ledger(at: "2024-04-01T10:00:00+02:00").withdraw(id, provenance: .none, source: .web)
        let other = try await box.record(.acceptAll, at: "2024-04-01T10:00:00+02:00")

        let early = try await box.retention(at: "2027-04-01T09:59:59.999+02:00").run(dryRun: false)
        #expect(early.rule("consent-proof-after-withdrawal")?.done == 0)
        #expect(try await box.ledger(at: "2027-04-01T10:00:00+02:00").history(id).count == 2)

        let due = try await box.retention(at: "2027-04-01T10:00:00+02:00").run(dryRun: false)
        #expect(due.rule("consent-proof-after-withdrawal")?.done == 2)
        #expect(due.rule("consent-proof-after-expiry")?.done == 0)
        await #expect(throws: ConsentError.self) { try await box.ledger(at: "2027-04-01T10:00:00+02:00").history(id) }
        let otherHistory = try await box.ledger(at: "2027-04-01T10:00:00+02:00").history(try #require(ConsentID(other.consentID)))
        #expect(otherHistory.count == 1)
        let redacted = try box.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent_ledger WHERE redaction IS NOT NULL ORDER BY seq")
        }
        #expect(redacted.count == 2)
        for row in redacted {
            #expect(row["redaction"] as String? == "deleted")
            #expect(row["consent_id"] as String? == nil)
            #expect(row["purposes"] as String? == nil)
            #expect(row["redacted_at"] as Int64? == Timestamp.millis(instant("2027-04-01T10:00:00+02:00")))
        }
        let report = try await box.ledgerReport()
        #expect(report.ok && report.entries == 3 && report.redacted == 2)
    }

    @Test("an expired consent's entries go three years after expiry; a renewed one does not")
    func expiredPlusThreeYears() async throws {
        let a = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")           // expires 2025-03-01 12:00
        let renewed = try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00")
        try await box.record(.acceptAll, id: ConsentID(renewed.consentID), at: "2025-02-01T12:00:00+01:00")
        let early = try await box.retention(at: "2028-03-01T11:59:59+01:00").run(dryRun: true)
        #expect(early.rule("consent-proof-after-expiry")?.due == 0)
        let due = try await box.retention(at: "2028-03-01T12:00:00+01:00").run(dryRun: false)
        #expect(due.rule("consent-proof-after-expiry")?.done == 1)
        await #expect(throws: ConsentError.self) {
            try await box.ledger(at: "2028-03-01T12:00:00+01:00").history(try #require(ConsentID(a.consentID)))
        }
        #expect(try await box.ledger(at: "2028-03-01T12:00:00+01:00").history(try #require(ConsentID(renewed.consentID))).count == 2)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("a legal hold keeps a withdrawn consent's entries")
    func consentHold() async throws {
        let a = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        let id = try #require(ConsentID(a.consentID))
        _ = try await box.ledger(at: "2024-04-01T10:00:00+02:00").withdraw(id, provenance: .none, source: .web)
        _ = try await box.holds(at: "2024-05-01T10:00:00+02:00").add(subjectKind: .consent, subject: id.rawValue, kind: .legalHold, reason: "Streit")
        let report = try await box.retention(at: "2030-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(report.rule("consent-proof-after-withdrawal")?.held == ["legal_hold": 2])
        #expect(report.rule("consent-proof-after-withdrawal")?.done == 0)
        #expect(try await box.ledger(at: "2030-01-01T00:00:00+01:00").history(id).count == 2)
    }

    // MARK: Audit entries

    @Test("deleting a prefix of the audit log keeps the rest of its chain verifying")
    func auditPrefix() async throws {
        try await box.store.pool.write { db in
            for at in ["2018-01-01T00:00:00+01:00", "2018-06-01T00:00:00+02:00", "2019-01-01T00:00:00+01:00",
                       "2018-02-01T00:00:00+01:00", "2024-01-01T00:00:00+01:00"] {
                try AuditLog.append(action: "test", actor: "t", subject: nil, details: ["at": at], at: instant(at), db)
            }
        }
        #expect(try await box.auditReport().ok)
        // Cut-off 2018-07-01: entries 1 and 2 go; 4 is older but follows 3, which stays: only a prefix is deleted.
        let report = try await Retention(store: box.store, policy: box.policy, clock: clock("2024-07-01T00:00:00+02:00"),
                                         actor: "test", batchSize: 1).run(dryRun: false)
        #expect(report.rule("audit-entries")?.done == 2)
        let seqs = try await box.store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM audit_log ORDER BY seq") }
        #expect(seqs == [3, 4, 5, 6])   // 6: the purge's own entry
        let verified = try await box.auditReport()
        #expect(verified.ok)
        #expect(verified.entries == 4)
        // Deleting the next entry by hand (without moving the anchor) is found.
        try await box.store.pool.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 3") }
        #expect(try await box.auditReport().firstBad?.seq == 3)
    }

    @Test("the whole audit log can age out and the chain continues from the anchor")
    func auditAll() async throws {
        _ = try await box.store.pool.write { db in
            try AuditLog.append(action: "test", actor: "t", subject: nil, details: [:], at: instant("2018-01-01T00:00:00+01:00"), db)
        }
        _ = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: false)
        _ = try await box.retention(at: "2032-01-01T00:00:00+01:00").run(dryRun: false)
        let verified = try await box.auditReport()
        #expect(verified.ok)
        let seqs = try await box.store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM audit_log ORDER BY seq") }
        #expect(seqs == [3])
    }

    // MARK: Policies that change

    @Test("a programme end moved later after data was collected: the contacts stay until the new end")
    func programmeExtended() async throws {
        try await box.submit(email: "a@example.org", at: "2024-11-01T10:00:00+01:00")
        try await box.submit(email: "b@example.org", at: "2024-12-20T10:00:00+01:00")
        let extended = try Fixtures.policy(("end_date: 2024-12-31", "end_date: 2025-06-30"),
                                           ("after: P6M", "after: P1Y"))
        let atOldEnd = try await box.retention(at: "2025-01-01T00:00:00+01:00", policy: extended).run(dryRun: false)
        #expect(atOldEnd.rule("contacts-at-programme-end")?.due == 0)
        #expect(atOldEnd.rule("contacts-at-programme-end")?.dueIfBefore == nil)
        #expect(try await contactCount() == 2)
        // Still collecting under the new policy.
        try await box.submit(email: "c@example.org", at: "2025-06-30T23:59:59+02:00", policy: extended)
        let lastSecond = try await box.retention(at: "2025-06-30T23:59:59+02:00", policy: extended).run(dryRun: false)
        #expect(lastSecond.rule("contacts-at-programme-end")?.due == 0)
        let atNewEnd = try await box.retention(at: "2025-07-01T00:00:00+02:00", policy: extended).run(dryRun: false)
        #expect(atNewEnd.rule("contacts-at-programme-end")?.done == 3)
        #expect(try await contactCount() == 0)
    }

    @Test("a programme end moved earlier after data was collected: everything is due from the new end")
    func programmeShortened() async throws {
        try await box.submit(email: "a@example.org", at: "2024-06-01T10:00:00+02:00")
        try await box.submit(email: "b@example.org", at: "2024-09-30T23:59:59+02:00")
        let shortened = try Fixtures.policy(("end_date: 2024-12-31", "end_date: 2024-09-30"))
        #expect(shortened.programmeEndInstant == instant("2024-10-01T00:00:00+02:00"))
        let report = try await box.retention(at: "2024-10-01T00:00:00+02:00", policy: shortened).run(dryRun: false)
        #expect(report.rule("contacts-at-programme-end")?.done == 2)
        #expect(try await contactCount() == 0)
        await #expect(throws: ConsentError.self) {
            try await box.submit(at: "2024-10-15T10:00:00+02:00", policy: shortened).rawValue
        }
    }

    @Test("P1D from `received` is one calendar day across a daylight-saving change", arguments: [
        // received, the last instant not yet due, the first instant due (23 h in March, 25 h in October)
        ("2024-03-30T12:00:00+01:00", "2024-03-31T11:59:59+02:00", "2024-03-31T12:00:00+02:00"),
        ("2024-10-26T12:00:00+02:00", "2024-10-27T11:59:59+01:00", "2024-10-27T12:00:00+01:00"),
        ("2024-10-26T12:00:00+02:00", "2024-10-27T11:00:00+01:00", "2024-10-27T12:00:00+01:00"),
    ])
    func dailyRuleAcrossDST(received: String, notYet: String, due: String) async throws {
        let daily = try Fixtures.policy(("after: P6M", "after: P1D"))
        try await box.submit(at: received)
        let before = try await box.retention(at: notYet, policy: daily).run(dryRun: false)
        #expect(before.rule("contacts-max-age")?.due == 0)
        #expect(try await contactCount() == 1)
        let at = try await box.retention(at: due, policy: daily).run(dryRun: false)
        #expect(at.rule("contacts-max-age")?.done == 1)
        #expect(Timestamp.parse(try #require(at.rule("contacts-max-age")?.dueIfBefore)) == instant(received))
        #expect(try await contactCount() == 0)
    }

    @Test("a policy that requires an archive offer stops a real purge until the offer was made")
    func archiveOffer() async throws {
        let strict = try Fixtures.policy(("offer_before_purge: false", "offer_before_purge: true"))
        try await box.submit(at: "2024-12-01T10:00:00+01:00")
        let retention = box.retention(at: "2025-01-01T00:00:00+01:00", policy: strict)
        await #expect(throws: Retention.Failure.self) { try await retention.run(dryRun: false) }
        #expect(try await contactCount() == 1)
        #expect(try await retention.run(dryRun: true).rule("contacts-at-programme-end")?.due == 1)
        #expect(try await retention.run(dryRun: false, archiveOffered: true).rule("contacts-at-programme-end")?.done == 1)
    }

    @Test("every real purge leaves an audit entry without personal data, and an empty WAL")
    func purgeAudit() async throws {
        try await box.submit(email: "purge.me@example.org", at: "2024-12-01T10:00:00+01:00")
        let sealed = try #require(try await box.store.pool.read { db in try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests") })
        #expect(!box.filesContaining([UInt8](sealed)).isEmpty)
        let report = try await box.retention(at: "2025-01-01T00:00:00+01:00").run(dryRun: false)
        #expect(report.walTruncated)
        let size = (try FileManager.default.attributesOfItem(atPath: box.databasePath + "-wal")[.size] as? Int) ?? 0
        #expect(size == 0)
        let entry = try #require(try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }.last)
        #expect(entry.action == "purge")
        #expect(entry.actor == "test")
        #expect(entry.details["policy_hash"] == box.policy.sourceHash)
        #expect(entry.details["rule.contacts-at-programme-end.done"] == "1")
        #expect(box.filesContaining([UInt8](sealed)) == [], "the purged record's bytes remain in the files")
        // A dry run writes no audit entry.
        _ = try await box.retention(at: "2025-01-02T00:00:00+01:00").run(dryRun: true)
        #expect(try await box.count("SELECT COUNT(*) FROM audit_log") == 1)
    }
}

/// Collects progress lines from the purge's callback.
final class ProgressLog: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}

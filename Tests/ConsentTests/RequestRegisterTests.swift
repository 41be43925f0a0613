import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

extension Sandbox {
    func register(at now: String) -> RequestRegister {
        RequestRegister(store: store, policy: policy, clock: clock(now), random: SystemRandom(), actor: "test")
    }

    var sealer: Sealer { Sealer(publicKey: keyPair.publicKey) }

    func open(_ type: RequestType, _ subject: DataSubject, received: String? = nil, at now: String,
              identity: IdentityCheck? = nil) async throws -> DataRequest {
        try await register(at: now).open(type: type, subject: subject, received: received.flatMap(CalendarDay.init), channel: .letter,
                                         identity: identity, sealer: sealer, index: index)
    }
}

@Suite("The register of requests (Art. 12)")
struct RequestRegisterTests {
    let box: Sandbox
    static let email = "petra.pfeiffer@example.org"

    init() throws { box = try Sandbox() }

    @Test("open: an RQ id, received today by default, due one month later; the subject is sealed and hashed")
    func open() async throws {
        let r = try await box.open(.access, .email(Self.email), at: "2025-01-31T09:00:00+01:00")
        #expect(r.id.hasPrefix("RQ-") && r.id.count == 29)
        #expect(r.received.description == "2025-01-31")
        #expect(r.due.description == "2025-02-28")
        #expect(r.status == "open" && !r.extended && r.closed == nil && r.outcome == nil)
        #expect(r.daysLeft == 28)
        #expect(r.subject == box.index.subjectHash(.email(Self.email)))
        let subject = try await box.register(at: "2025-02-01T09:00:00+01:00").subject(of: r.id, opener: Opener(keyPair: box.keyPair))
        guard case .email(let e) = subject else { Issue.record("not an e-mail subject"); return }
        #expect(e == Self.email)
        #expect(try await box.store.truncateWAL())
        #expect(box.filesContaining(Self.email).isEmpty, "the address is in the database in clear")
    }

    @Test("a receipt day in the future is refused")
    func futureReceipt() async throws {
        await #expect(throws: ConsentError.self) {
            _ = try await box.open(.access, .email(Self.email), received: "2025-02-01", at: "2025-01-31T09:00:00+01:00")
        }
        #expect(try await box.count("SELECT COUNT(*) FROM data_requests") == 0)
    }

    @Test("extend on the last day of the first deadline: three months from receipt, the day the person was told")
    func extendInTime() async throws {
        let r = try await box.open(.access, .email(Self.email), received: "2025-01-31", at: "2025-01-31T09:00:00+01:00")
        let e = try await box.register(at: "2025-02-28T23:00:00+01:00").extend(r.id, reason: "Archivsuche", told: CalendarDay("2025-02-27"))
        #expect(e.extended)
        #expect(e.due.description == "2025-04-30")
        #expect(e.firstDue.description == "2025-02-28")
        #expect(e.personTold?.description == "2025-02-27")
        #expect(e.extensionReason == "Archivsuche")
        // Only once.
        await #expect(throws: ConsentError.self) { _ = try await box.register(at: "2025-03-01T09:00:00+01:00").extend(r.id, reason: "again") }
    }

    @Test("extend after the first deadline passed, without a reason, or when closed: refused, nothing changed", arguments: [
        ("2025-03-01T00:00:00+01:00", "too late"), ("2025-02-10T10:00:00+01:00", " "),
    ])
    func extendRefused(_ row: (String, String)) async throws {
        let r = try await box.open(.access, .email(Self.email), received: "2025-01-31", at: "2025-01-31T09:00:00+01:00")
        await #expect(throws: ConsentError.self) { _ = try await box.register(at: row.0).extend(r.id, reason: row.1) }
        let after = try await box.register(at: row.0).get(r.id)
        #expect(!after.extended && after.due.description == "2025-02-28")
    }

    @Test("a closed request is not extended and not closed twice")
    func closedIsFinal() async throws {
        let r = try await box.open(.erasure, .email(Self.email), at: "2025-01-31T09:00:00+01:00")
        let closed = try await box.register(at: "2025-02-03T09:00:00+01:00").close(r.id, outcome: .answered)
        #expect(closed.closed?.description == "2025-02-03" && closed.outcome == .answered && closed.status == "closed")
        await #expect(throws: ConsentError.self) { _ = try await box.register(at: "2025-02-04T09:00:00+01:00").extend(r.id, reason: "x") }
        await #expect(throws: ConsentError.self) { _ = try await box.register(at: "2025-02-04T09:00:00+01:00").close(r.id, outcome: .refused) }
    }

    @Test("the register's order: overdue first (longest overdue on top), open by deadline, then closed, newest first")
    func order() async throws {
        let now = "2025-03-10T09:00:00+01:00"
        let overdueLess = try await box.open(.access, .email("a@example.org"), received: "2025-02-05", at: now)   // due 2025-03-05
        let overdueMore = try await box.open(.access, .email("b@example.org"), received: "2025-01-20", at: now)   // due 2025-02-20
        let later = try await box.open(.erasure, .email("c@example.org"), received: "2025-03-01", at: now)       // due 2025-04-01
        let sooner = try await box.open(.objection, .email("d@example.org"), received: "2025-02-12", at: now)    // due 2025-03-12
        let closedOld = try await box.open(.access, .email("e@example.org"), received: "2025-02-01", at: now)
        _ = try await box.register(at: "2025-03-03T09:00:00+01:00").close(closedOld.id, outcome: .answered)
        let closedNew = try await box.open(.access, .email("f@example.org"), received: "2025-02-02", at: now)
        _ = try await box.register(at: "2025-03-04T09:00:00+01:00").close(closedNew.id, outcome: .nothingHeld)
        let list = try await box.register(at: now).list()
        #expect(list.map(\.id) == [overdueMore.id, overdueLess.id, sooner.id, later.id, closedNew.id, closedOld.id])
        #expect(list[0].overdue && list[0].daysLeft == -18)
        #expect(list[2].daysLeft == 2 && !list[2].overdue)
        #expect(try await box.register(at: now).list(openOnly: true).count == 4)
        #expect(try await box.register(at: now).list(dueBefore: CalendarDay("2025-03-12")).map(\.id)
                == [overdueMore.id, overdueLess.id, closedNew.id, closedOld.id])
        #expect(try await box.register(at: now).dueSoon().map(\.id) == [overdueMore.id, overdueLess.id, sooner.id])
    }

    @Test("an open request holds the person's contact requests from the purge; closing releases the hold")
    func holdWithRequest() async throws {
        let ref = try await box.submit(email: Self.email, at: "2024-12-01T10:00:00+01:00")
        let other = try await box.submit(email: "someone.else@example.org", at: "2024-12-01T11:00:00+01:00")
        let r = try await box.open(.access, .email(Self.email), at: "2025-01-02T09:00:00+01:00")
        let holds = try await box.holds(at: "2025-01-02T09:00:00+01:00").list()
        #expect(holds.map(\.subject) == [ref.rawValue])
        #expect(holds.first?.kind == "open_request" && holds.first?.requestID == r.id)
        let purge = try await box.retention(at: "2025-01-03T09:00:00+01:00").run(dryRun: false)
        #expect(purge.rule("contacts-at-programme-end")?.held["open_request"] == 1)
        #expect(try await box.archive().list().map(\.reference) == [ref.rawValue])
        #expect(!(try await box.archive().list().map(\.reference)).contains(other.rawValue))
        _ = try await box.register(at: "2025-01-10T09:00:00+01:00").close(r.id, outcome: .answered)
        #expect(try await box.holds(at: "2025-01-10T09:00:00+01:00").list().isEmpty)
        _ = try await box.retention(at: "2025-01-10T09:00:00+01:00").run(dryRun: false)
        #expect(try await box.archive().list().isEmpty)
    }

    @Test("a hold past its until keeps nothing and is listed as expired")
    func holdUntil() async throws {
        let ref = try await box.submit(email: Self.email, at: "2024-12-01T10:00:00+01:00")
        _ = try await box.holds(at: "2024-12-20T10:00:00+01:00").add(subjectKind: .contactRequest, subject: ref.rawValue, kind: .legalHold,
                                                                       reason: nil, until: instant("2025-01-05T00:00:00+01:00"))
        let kept = try await box.retention(at: "2025-01-04T12:00:00+01:00").run(dryRun: true)
        #expect(kept.rule("contacts-at-programme-end")?.held["legal_hold"] == 1)
        #expect(try await box.holds(at: "2025-01-04T12:00:00+01:00").expired().isEmpty)
        #expect(try await box.holds(at: "2025-01-05T00:00:00+01:00").expired().count == 1)
        let purged = try await box.retention(at: "2025-01-05T00:00:00+01:00").run(dryRun: false)
        #expect(purged.rule("contacts-at-programme-end")?.done == 1)
        #expect(try await box.archive().list().isEmpty)
    }

    @Test("every step is in the audit log, naming the person only by a keyed hash")
    func audited() async throws {
        let r = try await box.open(.access, .email(Self.email), at: "2025-01-31T09:00:00+01:00", identity: .emailReply)
        _ = try await box.register(at: "2025-02-01T09:00:00+01:00").extend(r.id, reason: "viele Akten")
        try await box.register(at: "2025-02-02T09:00:00+01:00").record(.export, for: r.id, subjectHash: r.subject, details: ["contact_requests": "0"])
        _ = try await box.register(at: "2025-02-03T09:00:00+01:00").close(r.id, outcome: .answered)
        let log = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(log.map(\.action) == ["request.open", "request.extend", "request.link", "request.close"])
        #expect(log.allSatisfy { $0.subject == r.subject && $0.details["request"] == r.id })
        let text = log.map { "\($0.details)" }.joined()
        #expect(!text.contains("petra") && !text.lowercased().contains("example.org"))
        #expect(try await box.auditReport().ok)
        // A run about someone else is not linked.
        let other = try await box.open(.access, .email("x@example.org"), at: "2025-02-03T09:00:00+01:00")
        await #expect(throws: ConsentError.self) {
            try await box.register(at: "2025-02-03T09:00:00+01:00").record(.export, for: other.id, subjectHash: r.subject, details: [:])
        }
    }

    @Test("key rotation re-seals the register's identifiers too")
    func rotation() async throws {
        let r = try await box.open(.access, .consentID(ConsentID("abcdefgh12345678")!), at: "2025-01-31T09:00:00+01:00")
        let report = try await KeyRotation(store: box.store, keys: box.keys, clock: clock("2025-02-01T09:00:00+01:00"))
            .run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        #expect(report.resealed >= 1)
        let newPair = try box.keys.loadKeyPair(passphrase: try passphrase())
        let subject = try await box.register(at: "2025-02-01T09:00:00+01:00").subject(of: r.id, opener: Opener(keyPair: newPair))
        guard case .consentID(let id) = subject else { Issue.record("not a consent subject"); return }
        #expect(id.rawValue == "abcdefgh12345678")
    }
}

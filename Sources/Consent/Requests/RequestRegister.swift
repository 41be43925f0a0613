import Foundation
import GRDB
import Vault

/// The register of requests from people (Art. 12–22 GDPR): when each arrived, by when it must be
/// answered (Art. 12(3), counted by ``Deadline``), how the person's identity was checked (Art. 12(6)),
/// whether and why the deadline was extended, which runs answered it, and how it ended.
///
/// The only writer of `data_requests`. Every step is written to the audit log in the same
/// transaction, naming the person only by a keyed hash. While a request is open, an `open_request`
/// hold keeps the records it concerns from the purge.
public struct RequestRegister: Sendable {
    let store: PrivacyDatabase
    let policy: Policy
    let clock: any WallClock
    let random: any RandomSource
    let actor: String

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, random: any RandomSource = SystemRandom(),
                actor: String = AuditLog.currentActor) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.random = random
        self.actor = actor
    }

    /// How many days before its deadline a request is announced by `purge`, `audit verify` and `request list`.
    public static let warningDays = 7

    var deadline: Deadline { Deadline(holidays: policy.holidays) }

    /// Today in the policy's time zone.
    public var today: CalendarDay { CalendarDay(clock.now(), in: policy.timeZone) }

    static func newID(_ random: any RandomSource) -> String {
        "RQ-" + Reference.random(using: random).rawValue.dropFirst(3)
    }

    // MARK: Opening

    /// Registers a request. `received` defaults to today and may not lie in the future. The person's
    /// identifier is sealed with `sealer`; `index` names them by keyed hash and finds the records the
    /// `open_request` hold is placed on.
    public func open(type: RequestType, subject: DataSubject, received: CalendarDay? = nil, channel: RequestChannel,
                     identity: IdentityCheck? = nil, identityOn: CalendarDay? = nil,
                     sealer: Sealer, index: BlindIndex) async throws -> DataRequest {
        let today = self.today
        let received = received ?? today
        guard received <= today else {
            throw ConsentError.invalid(field: "received", message: "\(received) lies in the future (today is \(today)); give the day the request arrived")
        }
        if let identityOn, identityOn > today {
            throw ConsentError.invalid(field: "identity-verified-on", message: "\(identityOn) lies in the future")
        }
        let id = Self.newID(random)
        let (kind, identifier): (SubjectKind, String) = switch subject {
        case .email(let e): (.email, BlindIndex.normalise(e))
        case .consentID(let c): (.consentID, c.rawValue)
        }
        var plain = Array(identifier.utf8)
        defer { plain.wipe() }
        let box = try sealer.seal(plain, context: DataRequestRow.context(id: id))
        let firstDue = deadline.first(received: received)
        let row = DataRequestRow(
            id: id, type: type.rawValue, subjectKind: kind.rawValue, subjectHash: index.subjectHash(subject),
            subjectSealed: Data(box.bytes), keyID: sealer.publicKey.id.hex, channel: channel.rawValue,
            received: received.description, firstDue: firstDue.description, due: firstDue.description,
            identityMethod: identity?.rawValue, identityVerifiedOn: identity.map { _ in (identityOn ?? today).description },
            openedAt: Timestamp.millis(clock.now()), extendedAt: nil, extensionReason: nil, personToldOn: nil,
            closedOn: nil, outcome: nil, note: nil, runs: "[]")
        let (references, consents) = try await records(of: subject, index: index)
        let now = clock.now()
        let actor = self.actor
        try await store.pool.write { db in
            try row.append(db)
            let existingConsents = try consents.filter {
                try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM consent_ledger WHERE consent_id = ?)", arguments: [$0]) ?? false
            }
            let held = try HoldBook.place(.openRequest, contactRequests: references, consents: existingConsents, requestID: id,
                                          reason: "request \(id) (\(type.rawValue))", at: now, db)
            var details = ["request": id, "type": type.rawValue, "channel": channel.rawValue,
                           "received": received.description, "due": firstDue.description, "holds": String(held)]
            if let identity { details["identity_verified"] = identity.rawValue }
            try AuditLog.append(action: "request.open", actor: actor, subject: row.subjectHash, details: details, at: now, db)
        }
        return try await get(id)
    }

    /// The records a request about `subject` concerns, found through the blind index (no secret key needed).
    func records(of subject: DataSubject, index: BlindIndex) async throws -> (references: [String], consents: [String]) {
        try await store.pool.read { db in
            switch subject {
            case .email(let email):
                let refs = try String.fetchAll(db, sql: "SELECT reference FROM contact_requests WHERE email_index = ?",
                                               arguments: [Data(index.value(forEmail: email))])
                return (refs, [])
            case .consentID(let id):
                let refs = try String.fetchAll(db, sql: "SELECT reference FROM contact_requests WHERE consent_index = ?",
                                               arguments: [Data(index.value(for: "consent:" + id.rawValue))])
                return (refs, [id.rawValue])
            }
        }
    }

    // MARK: Reading

    public func get(_ id: String) async throws -> DataRequest {
        guard let row = try await store.pool.read({ db in try DataRequestRow.fetchOne(db, key: id) }) else {
            throw ConsentError.notFound(what: "request \(id)")
        }
        return view(row, today: today)
    }

    /// The register: overdue requests first (the longest overdue on top), then open ones by due day,
    /// then closed ones, newest first.
    public func list(openOnly: Bool = false, dueBefore: CalendarDay? = nil) async throws -> [DataRequest] {
        let rows = try await store.pool.read { db in try DataRequestRow.fetchAll(db, sql: "SELECT * FROM data_requests") }
        let today = self.today
        return rows.map { view($0, today: today) }
            .filter { r in (!openOnly || r.isOpen) && (dueBefore.map { r.due < $0 } ?? true) }
            .sorted(by: Self.registerOrder)
    }

    static func registerOrder(_ a: DataRequest, _ b: DataRequest) -> Bool {
        func rank(_ r: DataRequest) -> Int { r.overdue ? 0 : (r.isOpen ? 1 : 2) }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        if a.isOpen {
            return (a.due, a.received, a.id) < (b.due, b.received, b.id)
        }
        return (b.closed!, b.received, b.id) < (a.closed!, a.received, a.id)
    }

    /// Open requests due within ``warningDays`` days, or overdue.
    public func dueSoon(within days: Int = RequestRegister.warningDays) async throws -> [DataRequest] {
        let limit = today.adding(days: days)
        return try await list(openOnly: true).filter { $0.due <= limit }
    }

    func view(_ row: DataRequestRow, today: CalendarDay) -> DataRequest {
        let due = CalendarDay(row.due)!
        let closed = row.closedOn.flatMap(CalendarDay.init)
        let runs = (try? JSONDecoder().decode([RequestRun].self, from: Data(row.runs.utf8))) ?? []
        return DataRequest(
            id: row.id, type: RequestType(rawValue: row.type)!, received: CalendarDay(row.received)!, due: due,
            status: closed == nil ? "open" : "closed", extended: row.extendedAt != nil, closed: closed,
            outcome: row.outcome.flatMap(RequestOutcome.init), firstDue: CalendarDay(row.firstDue)!,
            channel: RequestChannel(rawValue: row.channel) ?? .letter, subjectKind: SubjectKind(rawValue: row.subjectKind) ?? .email,
            subject: row.subjectHash, identityVerified: row.identityMethod.flatMap(IdentityCheck.init),
            identityVerifiedOn: row.identityVerifiedOn.flatMap(CalendarDay.init), extensionReason: row.extensionReason,
            personTold: row.personToldOn.flatMap(CalendarDay.init), note: row.note, runs: runs,
            daysLeft: closed == nil ? today.days(to: due) : nil, overdue: closed == nil && due < today)
    }

    /// The person the request is about, opened with the secret key (to answer it).
    public func subject(of id: String, opener: Opener) async throws -> DataSubject {
        guard let row = try await store.pool.read({ db in try DataRequestRow.fetchOne(db, key: id) }) else {
            throw ConsentError.notFound(what: "request \(id)")
        }
        var plain = try opener.open(SealedBox(bytes: [UInt8](row.subjectSealed)), context: DataRequestRow.context(id: id))
        defer { plain.wipe() }
        let text = String(decoding: plain, as: UTF8.self)
        if row.subjectKind == SubjectKind.consentID.rawValue {
            guard let c = ConsentID(text) else { throw ConsentError.integrity("request \(id): the sealed consent id does not parse") }
            return .consentID(c)
        }
        return .email(text)
    }

    // MARK: Changing

    private func change(_ id: String, _ body: @escaping @Sendable (inout DataRequestRow, Database) throws -> AuditNote) async throws -> DataRequest {
        let now = clock.now()
        try await store.pool.write { db in
            guard var row = try DataRequestRow.fetchOne(db, key: id) else { throw ConsentError.notFound(what: "request \(id)") }
            let note = try body(&row, db)
            try row.replaceStored(db)
            try AuditLog.append(action: note.action, actor: note.actor, subject: row.subjectHash,
                                details: note.details.merging(["request": id]) { a, _ in a }, at: now, db)
        }
        return try await get(id)
    }

    /// Art. 12(3): extends the deadline by two months (to three months from receipt), once, only
    /// while the first deadline has not passed. `told` is when the person was told, with the reasons.
    public func extend(_ id: String, reason: String, told: CalendarDay? = nil) async throws -> DataRequest {
        let today = self.today
        let told = told ?? today
        let deadline = self.deadline
        let actor = self.actor
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ConsentError.invalid(field: "reason", message: "an extension needs its reason (Art. 12(3): the person is told the reasons)")
        }
        return try await change(id) { row, _ in
            guard row.closedOn == nil else { throw ConsentError.invalid(field: "id", message: "request \(id) is closed; a closed request is not extended") }
            guard row.extendedAt == nil else {
                throw ConsentError.invalid(field: "id", message: "request \(id) was already extended (to \(row.due)); Art. 12(3) allows one extension")
            }
            let firstDue = CalendarDay(row.firstDue)!
            guard today <= firstDue else {
                throw ConsentError.invalid(field: "id", message: "the first deadline of request \(id) passed on \(firstDue); an extension must be made (and the person told) within it")
            }
            guard told <= today, told >= CalendarDay(row.received)! else {
                throw ConsentError.invalid(field: "told", message: "\(told) must lie between the day of receipt (\(row.received)) and today (\(today))")
            }
            let newDue = deadline.extended(received: CalendarDay(row.received)!)
            row.due = newDue.description
            row.extendedAt = Timestamp.millis(clock.now())
            row.extensionReason = reason
            row.personToldOn = told.description
            return AuditNote(action: "request.extend", actor: actor, subject: nil,
                             details: ["due": newDue.description, "first_due": firstDue.description, "person_told": told.description])
        }
    }

    /// Art. 12(6): records how and when the person's identity was checked.
    public func verifyIdentity(_ id: String, how: IdentityCheck, on day: CalendarDay? = nil) async throws -> DataRequest {
        let day = day ?? today
        guard day <= today else { throw ConsentError.invalid(field: "on", message: "\(day) lies in the future") }
        let actor = self.actor
        return try await change(id) { row, _ in
            row.identityMethod = how.rawValue
            row.identityVerifiedOn = day.description
            return AuditNote(action: "request.verify", actor: actor, subject: nil, details: ["identity_verified": how.rawValue, "on": day.description])
        }
    }

    /// Closes a request and releases its `open_request` holds.
    public func close(_ id: String, outcome: RequestOutcome, note: String? = nil) async throws -> DataRequest {
        let today = self.today
        let actor = self.actor
        return try await change(id) { row, db in
            guard row.closedOn == nil else { throw ConsentError.invalid(field: "id", message: "request \(id) is already closed (\(row.outcome ?? "") on \(row.closedOn!))") }
            row.closedOn = today.description
            row.outcome = outcome.rawValue
            row.note = note
            let released = try HoldBook.release(.openRequest, requestID: id, db)
            return AuditNote(action: "request.close", actor: actor, subject: nil, details: [
                "outcome": outcome.rawValue, "holds_released": String(released), "due": row.due,
                "in_time": String(today <= CalendarDay(row.due)!),
            ])
        }
    }

    /// Links a run (export, erasure, revocation, …) to the request it answered. `subjectHash` must be
    /// the request's person: a run about someone else is refused.
    public func record(_ action: RequestAction, for id: String, subjectHash: String?, details: [String: String]) async throws {
        let at = Timestamp.format(clock.now())
        let actor = self.actor
        _ = try await change(id) { row, _ in
            if let subjectHash, subjectHash != row.subjectHash {
                throw ConsentError.invalid(field: "request", message: "request \(id) is about another person (or was opened with the other kind of identifier)")
            }
            var runs = (try? JSONDecoder().decode([RequestRun].self, from: Data(row.runs.utf8))) ?? []
            runs.append(RequestRun(action: action, at: at, details: details))
            row.runs = String(decoding: try JSONEncoder.sorted.encode(runs), as: UTF8.self)
            return AuditNote(action: "request.link", actor: actor, subject: nil, details: ["run": action.rawValue])
        }
    }

    /// Checks, before a run, that `id` names a request about `subjectHash` (exit 3 / 2 before any work).
    public func checkLink(_ id: String, subjectHash: String) async throws {
        let request = try await get(id)
        guard request.subject == subjectHash else {
            throw ConsentError.invalid(field: "request", message: "request \(id) is about another person (or was opened with the other kind of identifier)")
        }
    }
}

extension RequestRegister {
    /// Key rotation: re-wraps up to `limit` sealed identifiers not yet sealed to `sealer`'s key.
    static func rewrapSubjects(_ db: Database, opener: Opener, sealer: Sealer, limit: Int) throws -> Int {
        let newID = sealer.publicKey.id.hex
        let rows = try DataRequestRow.fetchAll(db, sql: "SELECT * FROM data_requests WHERE key_id <> ? LIMIT ?", arguments: [newID, limit])
        for row in rows {
            guard row.keyID == opener.keyPair.id.hex else {
                throw ConsentError.integrity("request \(row.id) is sealed to key \(row.keyID), which is neither the live key nor the new one; it cannot be re-sealed")
            }
            let box = try opener.rewrap(SealedBox(bytes: [UInt8](row.subjectSealed)), to: sealer)
            try DataRequestRow.reseal(id: row.id, subjectSealed: Data(box.bytes), keyID: newID, db)
        }
        return rows.count
    }
}

import Foundation
import GRDB
import Vault

/// The DPO's view of the contact requests: opened with the secret key.
public struct ContactArchive: Sendable {
    let store: PrivacyDatabase
    let opener: Opener
    let index: BlindIndex

    public init(store: PrivacyDatabase, opener: Opener, index: BlindIndex) {
        self.store = store
        self.opener = opener
        self.index = index
    }

    /// Every contact request, oldest first, opened.
    public func list() async throws -> [ContactRequestView] {
        let rows = try await store.pool.read { db in
            try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests ORDER BY received_at, reference")
        }
        return try rows.map(open)
    }

    public func show(_ reference: String) async throws -> ContactRequestView {
        guard let row = try await store.pool.read({ db in try ContactRequestRow.fetchOne(db, key: reference) }) else {
            throw ConsentError.notFound(what: "contact request \(reference)")
        }
        return try open(row)
    }

    /// The requests of the person with this address: the blind index narrows to a few candidates,
    /// opening them removes false positives.
    public func find(email: String) async throws -> [ContactRequestView] {
        let wanted = BlindIndex.normalise(email)
        return try await rows(whereColumn: "email_index", in: index.lookupValues(forEmail: email).map { Data($0) }).map(open)
            .filter { $0.email.map(BlindIndex.normalise) == wanted }
    }

    /// The requests sent with this consent id.
    public func find(consentID: ConsentID) async throws -> [ContactRequestView] {
        let value = Data(index.value(for: "consent:" + consentID.rawValue))
        return try await rows(whereColumn: "consent_index", equals: value).map(open)
            .filter { $0.consentID == consentID.rawValue }
    }

    private func rows(whereColumn column: String, equals value: Data) async throws -> [ContactRequestRow] {
        try await rows(whereColumn: column, in: [value])
    }

    private func rows(whereColumn column: String, in values: [Data]) async throws -> [ContactRequestRow] {
        let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
        return try await store.pool.read { db in
            try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests WHERE \(column) IN (\(marks)) ORDER BY received_at, reference",
                                           arguments: StatementArguments(values))
        }
    }

    /// Every contact request, oldest first; one that cannot be opened is reported, not fatal.
    public func listOpened() async throws -> OpenedRequests {
        let rows = try await store.pool.read { db in
            try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests ORDER BY received_at, reference")
        }
        return openEach(rows)
    }

    /// ``listOpened()`` for the DPO's eyes, with its audit entry (made by `note` from what was
    /// opened): nothing is returned unless the entry is committed (Art. 5(2)). The requests are
    /// opened outside the write transaction, so that a long list never holds up the server's writes.
    public func listOpened(at: Date, audit note: @escaping @Sendable (OpenedRequests) -> AuditNote) async throws -> OpenedRequests {
        let opened = try await listOpened()
        try await AuditLog.record(note(opened), at: at, in: store)
        return opened
    }

    /// ``show(_:)`` for the DPO's eyes: the reading and its audit entry in one transaction.
    public func show(_ reference: String, at: Date, audit note: AuditNote) async throws -> ContactRequestView {
        try await store.pool.write { db in
            guard let row = try ContactRequestRow.fetchOne(db, key: reference) else {
                throw ConsentError.notFound(what: "contact request \(reference)")
            }
            let view = try open(row)
            try AuditLog.append(note, at: at, db)
            return view
        }
    }

    /// ``find(email:)``, reporting candidates that cannot be opened instead of failing on them.
    public func findOpened(email: String) async throws -> OpenedRequests {
        let wanted = BlindIndex.normalise(email)
        var opened = openEach(try await rows(whereColumn: "email_index", in: index.lookupValues(forEmail: email).map { Data($0) }))
        opened.requests = opened.requests.filter { $0.email.map(BlindIndex.normalise) == wanted }
        return opened
    }

    /// ``find(consentID:)``, reporting candidates that cannot be opened instead of failing on them.
    public func findOpened(consentID: ConsentID) async throws -> OpenedRequests {
        let value = Data(index.value(for: "consent:" + consentID.rawValue))
        var opened = openEach(try await rows(whereColumn: "consent_index", in: [value]))
        opened.requests = opened.requests.filter { $0.consentID == consentID.rawValue }
        return opened
    }

    func openEach(_ rows: [ContactRequestRow]) -> OpenedRequests {
        var result = OpenedRequests()
        for row in rows {
            do {
                result.requests.append(try open(row))
            } catch {
                result.unreadable.append(UnreadableRequest(reference: row.reference, reason: UnreadableRequest.reason(error, keyID: row.keyID)))
            }
        }
        return result
    }

    func open(_ row: ContactRequestRow) throws -> ContactRequestView {
        let box = try SealedBox(bytes: [UInt8](row.sealed))
        var plain = try opener.open(box, context: ContactRequestRow.context(reference: row.reference))
        defer { plain.wipe() }
        let payload = try JSONDecoder().decode(ContactPayload.self, from: Data(plain))
        return ContactRequestView(
            reference: row.reference, receivedAt: Timestamp.format(millis: row.receivedAt),
            policyVersion: row.policyVersion, name: payload.form.name, email: payload.form.email,
            phone: payload.form.phone, message: payload.form.message, callbackTime: payload.form.callbackTime,
            consentID: payload.form.consentID, privacyNoticeAcceptedAt: payload.privacyNoticeAcceptedAt, keyID: row.keyID)
    }
}

/// A contact request that could not be opened (damaged, or sealed to a key that is not there):
/// named by its reference and why, never by content, so the DPO can look into it.
public struct UnreadableRequest: Sendable, Codable, Equatable {
    public var reference: String
    public var reason: String

    static func reason(_ error: any Error, keyID: String) -> String {
        if let vault = error as? VaultError {
            switch vault {
            case .keyMismatch: return "sealed to key \(keyID), not to the secret key given"
            case .authenticationFailed: return "the sealed data does not decrypt (altered or damaged, or sealed to another key than \(keyID))"
            default: return "the sealed data cannot be opened: \(vault)"
            }
        }
        if error is DecodingError { return "the opened data is not a contact request (damaged)" }
        return "cannot be opened: \(type(of: error))"
    }
}

/// Contact requests opened, and those that could not be.
public struct OpenedRequests: Sendable {
    public var requests: [ContactRequestView] = []
    public var unreadable: [UnreadableRequest] = []
}

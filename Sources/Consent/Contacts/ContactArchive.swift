import Foundation
import GRDB
import Vault

/// The DPO's view of the contact requests: opened with the secret key.
public struct ContactArchive: Sendable {
    let store: Store
    let opener: Opener
    let index: BlindIndex

    public init(store: Store, opener: Opener, index: BlindIndex) {
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
        let value = Data(index.value(forEmail: email))
        let wanted = BlindIndex.normalise(email)
        return try await rows(whereColumn: "email_index", equals: value).map(open)
            .filter { $0.email.map(BlindIndex.normalise) == wanted }
    }

    /// The requests sent with this consent id.
    public func find(consentID: ConsentID) async throws -> [ContactRequestView] {
        let value = Data(index.value(for: "consent:" + consentID.rawValue))
        return try await rows(whereColumn: "consent_index", equals: value).map(open)
            .filter { $0.consentID == consentID.rawValue }
    }

    private func rows(whereColumn column: String, equals value: Data) async throws -> [ContactRequestRow] {
        try await store.pool.read { db in
            try ContactRequestRow.fetchAll(db, sql: "SELECT * FROM contact_requests WHERE \(column) = ? ORDER BY received_at",
                                           arguments: [value])
        }
    }

    func open(_ row: ContactRequestRow) throws -> ContactRequestView {
        let box = try SealedBox(bytes: [UInt8](row.sealed))
        var plain = try opener.open(box, context: ContactRequestRow.context(reference: row.reference))
        defer { plain.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let payload = try JSONDecoder().decode(ContactPayload.self, from: Data(plain))
        return ContactRequestView(
            reference: row.reference, receivedAt: Timestamp.format(Timestamp.date(millis: row.receivedAt)),
            policyVersion: row.policyVersion, name: payload.form.name, email: payload.form.email,
            phone: payload.form.phone, message: payload.form.message, callbackTime: payload.form.callbackTime,
            consentID: payload.form.consentID, privacyNoticeAcceptedAt: payload.privacyNoticeAcceptedAt, keyID: row.keyID)
    }
}

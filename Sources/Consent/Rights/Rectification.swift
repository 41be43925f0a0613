import Foundation
import GRDB
import Vault

/// The fields of a contact request a person asked to correct; `nil` leaves a field as it is.
public struct ContactCorrection: Sendable {
    public var name: String?
    public var email: String?
    public var phone: String?
    public var message: String?
    public var callbackTime: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, message: String? = nil, callbackTime: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
        self.message = message
        self.callbackTime = callbackTime
    }

    public var isEmpty: Bool { name == nil && email == nil && phone == nil && message == nil && callbackTime == nil }
}

public struct AmendReport: Sendable, Codable, Equatable {
    public var reference: String
    /// The names of the fields that changed (never their values).
    public var fields: [String]
    public var walTruncated: Bool
    enum CodingKeys: String, CodingKey { case reference, fields, walTruncated = "wal_truncated" }
}

/// Art. 16: corrects a contact request. The corrected form is validated like a new one and sealed
/// afresh (same reference, a new data key); the old ciphertext and its blind-index entry are
/// overwritten in the file (`secure_delete`) and the WAL is truncated, so the wrong data is gone.
public struct Rectification: Sendable {
    let store: PrivacyDatabase
    let archive: ContactArchive
    let sealer: Sealer
    let index: BlindIndex
    let clock: any WallClock
    let actor: String

    public init(store: PrivacyDatabase, archive: ContactArchive, sealer: Sealer, index: BlindIndex, clock: any WallClock,
                actor: String = AuditLog.currentActor) {
        self.store = store
        self.archive = archive
        self.sealer = sealer
        self.index = index
        self.clock = clock
        self.actor = actor
    }

    public func amend(reference: String, correction: ContactCorrection) async throws -> AmendReport {
        guard !correction.isEmpty else {
            throw ConsentError.invalid(field: "fields", message: "name at least one field to correct (--name, --email, --phone, --message, --callback-time)")
        }
        let old = try await archive.show(reference)
        let form = try ContactForm(name: correction.name ?? old.name, email: correction.email ?? old.email,
                                   phone: correction.phone ?? old.phone, message: correction.message ?? old.message,
                                   callbackTime: correction.callbackTime ?? old.callbackTime, privacyNoticeAccepted: true,
                                   consentID: old.consentID)
        var fields: [String] = []
        if form.name != old.name { fields.append("name") }
        if form.email != old.email { fields.append("email") }
        if form.phone != old.phone { fields.append("phone") }
        if form.message != old.message { fields.append("message") }
        if form.callbackTime != old.callbackTime { fields.append("callback_time") }
        let payload = ContactPayload(form: form, privacyNoticeAcceptedAt: old.privacyNoticeAcceptedAt)
        var plaintext = try [UInt8](JSONEncoder.sorted.encode(payload))
        defer { plaintext.wipe() }
        let box = try sealer.seal(plaintext, context: ContactRequestRow.context(reference: reference))
        let emailIndex = Data(index.contactIndex(email: form.email, reference: reference))
        let keyID = sealer.publicKey.id.hex
        let subject = Digest.hex(index.value(for: "subject:reference:" + reference))
        let now = clock.now()
        let actor = self.actor
        let changed = fields
        try await store.pool.write { db in
            guard try ContactRequestRow.rectify(reference: reference, sealed: Data(box.bytes), keyID: keyID, emailIndex: emailIndex, db) else { throw ConsentError.notFound(what: "contact request \(reference)") }
            try AuditLog.append(action: "contacts.amend", actor: actor, subject: subject,
                                details: ["fields": changed.joined(separator: ",")], at: now, db)
        }
        let truncated = try store.truncateWAL()
        return AmendReport(reference: reference, fields: fields, walTruncated: truncated)
    }
}

import Foundation
import GRDB
import Vault

/// Takes contact requests from the website and stores them sealed.
///
/// Holds only the public key: it can seal, never open. What it wrote, it cannot read back.
public struct ContactIntake: Sendable {
    let store: PrivacyDatabase
    let policy: Policy
    let clock: any WallClock
    let random: any RandomSource
    let keys: SealingKeys
    let writer: GroupCommitter?
    /// The policy's collection window, worked out once (it is checked on every request).
    let window: Range<Date>

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, keys: SealingKeys,
                random: any RandomSource = SystemRandom(), writer: GroupCommitter? = nil) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.keys = keys
        self.random = random
        self.writer = writer
        self.window = policy.collectionWindow
    }

    /// Contact requests are taken while `instant` is inside the policy's collection window.
    public func isCollecting(at instant: Date) -> Bool { window.contains(instant) }

    /// Seals and stores `form`; returns the reference once it is durable.
    /// Throws ``ConsentError/programmeEnded(endedAt:)`` outside the policy's collection window.
    public func submit(_ form: ContactForm) async throws -> Reference {
        let now = clock.now()
        guard isCollecting(at: now) else {
            throw ConsentError.programmeEnded(endedAt: Timestamp.format(policy.programmeEndInstant))
        }
        let (sealer, index) = try keys.current()
        let reference = Reference.random(using: random)
        let payload = ContactPayload(form: form, privacyNoticeAcceptedAt: Timestamp.format(now))
        var plaintext = payload.encoded()
        defer { plaintext.wipe() }
        let box = try sealer.seal(plaintext, context: ContactRequestRow.context(reference: reference.rawValue))
        let row = ContactRequestRow(
            reference: reference.rawValue, receivedAt: Timestamp.millis(now), policyVersion: policy.version,
            keyID: sealer.publicKey.id.hex, sealed: Data(box.bytes),
            // Without an address the column holds a keyed value of the reference: it matches no search.
            emailIndex: Data(index.contactIndex(email: form.email, reference: reference.rawValue)),
            consentIndex: form.consentID.map { Data(index.value(for: "consent:" + $0)) })
        if let writer {
            try await writer.submit { db in try row.append(db) }
        } else {
            try await store.pool.write { db in try row.append(db) }
        }
        return reference
    }
}

import Consent
import Vault

/// What the web-facing process is made of: the store, the policy, the clock, randomness and the
/// sealing keys (public key and index key only: it can seal, never open).
/// Named for what it is: the domain services the web-facing process may use, not an engine of its own.
public struct WebFacingServices: Sendable {
    public let store: PrivacyDatabase
    public let policy: Policy
    public let clock: any WallClock
    public let random: any RandomSource
    public let keys: SealingKeys
    /// Where the scheduled purge leaves its tombstones (`nil`: none, as in tests of the routes).
    public let tombstones: TombstoneLog?
    /// The storage condition the latest writes met (full disk, held lock), for `/healthz`.
    public let health = StorageHealth()
    /// Failures of the scheduled purge and chain check, for `/healthz`.
    public let purgeHealth = ServiceHealth()
    /// The ledger and the intake share the one group-commit writer of this process.
    let ledger: ConsentLedger
    let intake: ContactIntake

    public init(store: PrivacyDatabase, policy: Policy, clock: any WallClock, keys: SealingKeys, random: any RandomSource = SystemRandom(),
                tombstones: TombstoneLog? = nil) {
        self.tombstones = tombstones
        self.store = store
        self.policy = policy
        self.clock = clock
        self.keys = keys
        self.random = random
        let writer = store.makeGroupCommitter(health: health)
        self.ledger = ConsentLedger(store: store, policy: policy, clock: clock, random: random, writer: writer)
        self.intake = ContactIntake(store: store, policy: policy, clock: clock, keys: keys, random: random, writer: writer)
    }
}

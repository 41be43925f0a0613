import Foundation

/// What every action of the DPO needs besides its own inputs: the database it changes, the clock
/// that stamps it (injected, so tests and `PRIVACY_NOW` fix it) and who acts, for the audit log
/// (Art. 5(2): the controller can show who did what). One shape for `Objection`, `Restriction`,
/// `KeyDestruction` and `DatabaseBackup`.
struct ActionContext: Sendable {
    let store: PrivacyDatabase
    let clock: any WallClock
    let actor: String
}

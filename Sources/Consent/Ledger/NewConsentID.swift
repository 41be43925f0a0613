import GRDB

extension ConsentID {
    /// A client may choose the id of a *new* history only if it is at least this long: 22
    /// URL-safe characters carry 128 bits (base64url), as many as the random part of the ids the
    /// engine issues (32 of their 44 hex digits). Shorter ids of existing histories (an older
    /// banner's cookie) stay valid.
    public static let minimumNewLength = 22

    /// `true` when the id is long enough to start a new history.
    public var isLongEnoughForNewHistory: Bool { rawValue.utf8.count >= Self.minimumNewLength }
}

extension ConsentLedger {
    /// Refuses a client-chosen id that is too short to start a new history (a guessable id would
    /// let others read or change someone's choice). An id with a history passes.
    public func checkClientChosen(_ id: ConsentID) async throws {
        guard !id.isLongEnoughForNewHistory else { return }
        let known = try store.readOneStatement { db in try Self.latest(id, db) != nil }
        guard known else {
            throw ConsentError.invalid(field: "consent_id", message: "a new consent id must be at least \(ConsentID.minimumNewLength) URL-safe characters (128 random bits); leave it out to have one issued")
        }
    }
}

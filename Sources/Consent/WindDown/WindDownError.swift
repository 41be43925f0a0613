/// Why the wind-down (or `keys destroy`) stops. The CLI maps each to exit code 1, with what to do.
public enum WindDownError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The programme has not ended yet.
    case programmeRunning(endsAt: String)
    /// A step needs the secret key (the contact data is sealed).
    case secretKeyNeeded(String)
    /// `keys destroy` while sealed records exist, without `--force` (or before the archive step).
    case sealedRecordsRemain(Int, archiveStepDone: Bool)
    /// `wind-down archive` when the policy offers nothing to an archive.
    case noOfferRequired

    public var description: String {
        switch self {
        case .programmeRunning(let end):
            "the programme has not ended yet (it ends at \(end)); run the wind-down after the end (or try it with PRIVACY_NOW and --dry-run)"
        case .secretKeyNeeded(let why):
            "this step needs the secret key (\(why)); give the passphrase (PRIVACY_PASSPHRASE, --passphrase-file or the prompt)"
        case .sealedRecordsRemain(let n, let archived):
            archived
                ? "\(n) sealed record\(n == 1 ? "" : "s") still need vault.key; purge them first (privacyctl wind-down), or destroy the key anyway with --force (they can never be opened again)"
                : "\(n) sealed record\(n == 1 ? "" : "s") still need vault.key; --force is only accepted after the wind-down's archive step (run privacyctl wind-down first)"
        case .noOfferRequired:
            "the policy offers nothing to an archive (archive.offer); there is no decision to record"
        }
    }
}

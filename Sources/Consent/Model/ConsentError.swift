/// Errors of the consent domain. The HTTP layer maps them to status codes, `privacyctl` to exit codes.
public enum ConsentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Valid input that breaks a rule: `field` names what is wrong (HTTP 422, exit 2).
    case invalid(field: String, message: String)
    /// Several fields are wrong at once.
    case invalidFields([String: String])
    /// No record with that id (HTTP 404, exit 3).
    case notFound(what: String)
    /// The collection window of the programme has closed (HTTP 410).
    case programmeEnded(endedAt: String)
    /// A hash chain does not verify (exit 4).
    case integrity(String)
    /// The policy file is wrong.
    case policy(String)
    /// The store failed (disk full, locked too long): nothing was acknowledged.
    case storage(String)

    public var description: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .invalidFields(let fields): fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        case .notFound(let what): "\(what) not found"
        case .programmeEnded(let at): "the programme ended; contact requests are no longer collected (since \(at))"
        case .integrity(let what): what
        case .policy(let what): what
        case .storage(let what): "storage failed: \(what)"
        }
    }
}

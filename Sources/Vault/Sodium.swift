import CSodium

/// libsodium must be initialised once per process before any other call.
enum Sodium {
    /// Initialises libsodium; safe to call many times and from any thread.
    static let ready: Bool = {
        sodium_init() >= 0
    }()

    static func ensureReady() throws(VaultError) {
        guard ready else { throw .libraryUnavailable }
    }
}

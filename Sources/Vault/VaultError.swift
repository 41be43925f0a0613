/// Everything that can go wrong in the vault. The edges (HTTP, CLI) map these to status or exit codes.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libsodium could not be initialised.
    case libraryUnavailable
    /// Guarded memory could not be allocated.
    case outOfSecureMemory
    /// A ciphertext was tampered with, opened with the wrong key, or with the wrong associated data.
    case authenticationFailed
    /// A ciphertext's header names a format this build does not know.
    case unsupportedFormat(version: UInt8)
    /// A ciphertext or key file is shorter than its header promises.
    case malformed(String)
    /// The ciphertext was sealed to another key pair than the one given.
    case keyMismatch(expected: KeyID, found: KeyID)
    /// The passphrase does not open the secret key file.
    case wrongPassphrase(path: String)
    /// A key file does not exist.
    case keyFileMissing(path: String)
    /// A file holding secret material is readable by group or others.
    case insecurePermissions(path: String, mode: UInt16)
    /// A key file could not be read or written.
    case io(path: String, reason: String)
    /// Deriving the wrapping key ran out of memory or failed.
    case keyDerivationFailed

    public var description: String {
        switch self {
        case .libraryUnavailable: "libsodium could not be initialised"
        case .outOfSecureMemory: "could not allocate guarded memory for key material"
        case .authenticationFailed: "decryption failed: the data was altered, or the key or context is wrong"
        case .unsupportedFormat(let v): "unsupported ciphertext format version \(v)"
        case .malformed(let what): "malformed \(what)"
        case .keyMismatch(let expected, let found):
            "the record was sealed to key \(found), but the key at hand is \(expected); was the key rotated without re-sealing?"
        case .wrongPassphrase(let path): "wrong passphrase for \(path) (or the key file was altered)"
        case .keyFileMissing(let path): "key file \(path) does not exist; create a key pair with `privacyctl keys init`"
        case .insecurePermissions(let path, let mode):
            "\(path) is readable by others (mode \(String(mode, radix: 8))); it holds secret material: run `chmod 600 \(path)`"
        case .io(let path, let reason): "\(path): \(reason)"
        case .keyDerivationFailed: "deriving the key from the passphrase failed (not enough memory?)"
        }
    }
}

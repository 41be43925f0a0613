import CSodium

/// The DPO's passphrase, in guarded memory. It unlocks the secret key file (Argon2id).
public struct Passphrase: Sendable {
    let bytes: SecureBytes

    /// Takes the passphrase's UTF-8 bytes and wipes the source buffer.
    public init(wiping utf8: inout [UInt8]) throws(VaultError) {
        // A trailing newline from a file or a prompt is not part of the passphrase.
        while let last = utf8.last, last == 10 || last == 13 { utf8.removeLast() }
        self.bytes = try SecureBytes(wiping: &utf8)
    }

    public var isEmpty: Bool { bytes.count == 0 }
}

/// Argon2id cost parameters, stored in the key file's header so that a file stays readable when
/// defaults change.
public struct PasswordHashLimits: Sendable, Equatable {
    public var opsLimit: UInt64
    public var memLimit: UInt64

    public init(opsLimit: UInt64, memLimit: UInt64) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    /// libsodium's "moderate" limits: about a second and 256 MiB here, once per DPO command.
    public static let moderate = PasswordHashLimits(opsLimit: 3, memLimit: 256 << 20)
    /// libsodium's "sensitive" limits (4 passes, 1 GiB): the most a key file may ask for.
    public static let maximum = PasswordHashLimits(opsLimit: UInt64(crypto_pwhash_opslimit_sensitive()),
                                                   memLimit: UInt64(crypto_pwhash_memlimit_sensitive()))

    /// Between libsodium's minimum and its "sensitive" maximum.
    public var isWithinBounds: Bool {
        (UInt64(crypto_pwhash_opslimit_min())...Self.maximum.opsLimit).contains(opsLimit)
            && (UInt64(crypto_pwhash_memlimit_min())...Self.maximum.memLimit).contains(memLimit)
    }

    /// libsodium's "interactive" limits: a tenth of a second and 64 MiB.
    public static let interactive = PasswordHashLimits(opsLimit: 2, memLimit: 64 << 20)
}

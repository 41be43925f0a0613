import CSodium

/// The vault's public key (X25519). It can seal, never open: this is all the web-facing process holds.
public struct VaultPublicKey: Sendable, Equatable {
    public static let byteCount = 32
    public let bytes: [UInt8]
    public let id: KeyID

    public init(bytes: [UInt8]) throws(VaultError) {
        guard bytes.count == Self.byteCount else { throw .malformed("public key") }
        self.bytes = bytes
        self.id = KeyID(publicKey: bytes)
    }
}

/// The vault's key pair. The secret half lives in guarded memory and is wiped when released.
public struct VaultKeyPair: Sendable {
    public static let secretByteCount = 32
    public let publicKey: VaultPublicKey
    let secretKey: SecureBytes

    public var id: KeyID { publicKey.id }

    init(publicKey: VaultPublicKey, secretKey: SecureBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Makes a new key pair from a seed drawn from `random`.
    public static func generate(random: any RandomSource = SystemRandom()) throws -> VaultKeyPair {
        try Sodium.ensureReady()
        let seed = try SecureBytes(count: Int(crypto_box_seedbytes())) { random.fill($0) }
        var pk = [UInt8](repeating: 0, count: VaultPublicKey.byteCount)
        let sk = try SecureBytes(count: secretByteCount) { skBuf in
            let rc = seed.withUnsafeBytes { s in
                crypto_box_seed_keypair(&pk, skBuf.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                        s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.keyDerivationFailed }
        }
        return VaultKeyPair(publicKey: try VaultPublicKey(bytes: pk), secretKey: sk)
    }
}

/// The key of the blind index: a keyed BLAKE2b over normalised e-mail addresses, so that a
/// person's records are found without decrypting every record. Not able to open anything.
public struct IndexKey: Sendable {
    public static let byteCount = 32
    let key: SecureBytes

    init(key: SecureBytes) { self.key = key }

    public static func generate(random: any RandomSource = SystemRandom()) throws -> IndexKey {
        IndexKey(key: try SecureBytes(count: byteCount) { random.fill($0) })
    }

    public init(wiping bytes: inout [UInt8]) throws(VaultError) {
        guard bytes.count == Self.byteCount else { throw .malformed("index key") }
        self.key = try SecureBytes(wiping: &bytes)
    }
}

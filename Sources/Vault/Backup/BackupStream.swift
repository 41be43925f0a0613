import CSodium

/// Encrypts a backup's payload to the vault's public key, chunk by chunk (no secret needed).
///
/// A fresh 32-byte stream key is sealed with `crypto_box_seal` to the public key; the payload is
/// cut into chunks encrypted with libsodium's `crypto_secretstream_xchacha20poly1305`, the last one
/// tagged FINAL, so that a reordered, dropped, changed or cut-off chunk fails to open.
public final class BackupSealingStream {
    /// Plaintext bytes per chunk (the last chunk may be shorter, even empty).
    public static let chunkBytes = 64 * 1024
    static let abytes = Int(crypto_secretstream_xchacha20poly1305_abytes())

    public let header: BackupHeader
    private let headerBytes: [UInt8]
    private let state: SecureBytes

    public init(publicKey: VaultPublicKey, manifest: [UInt8], random: any RandomSource = SystemRandom()) throws {
        try Sodium.ensureReady()
        guard manifest.count <= BackupHeader.maxManifestBytes else { throw VaultError.malformed("backup manifest (too long)") }
        let key = try SecureBytes(count: BackupHeader.keyBytes) { random.fill($0) }
        let sealer = Sealer(publicKey: publicKey, random: random)
        let sealedKey = try sealer.wrap(key)
        state = try SecureBytes(count: MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
        var streamHeader = [UInt8](repeating: 0, count: BackupHeader.streamHeaderBytes)
        let rc = state.withUnsafeMutableState { st in
            key.withUnsafeBytes { k in
                crypto_secretstream_xchacha20poly1305_init_push(st, &streamHeader, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
        header = BackupHeader(keyID: publicKey.id, manifest: manifest, sealedKey: sealedKey, streamHeader: streamHeader)
        headerBytes = header.bytes
    }

    /// One chunk as stored: its ciphertext length (4 bytes, big-endian), then the ciphertext.
    public func seal(_ plaintext: [UInt8], final: Bool) throws -> [UInt8] {
        precondition(plaintext.count <= Self.chunkBytes)
        var cipher = [UInt8](repeating: 0, count: plaintext.count + Self.abytes)
        var length: UInt64 = 0
        let tag = final ? crypto_secretstream_xchacha20poly1305_tag_final() : crypto_secretstream_xchacha20poly1305_tag_message()
        let ad = headerBytes
        let rc = state.withUnsafeMutableState { st in
            crypto_secretstream_xchacha20poly1305_push(st, &cipher, &length, plaintext, UInt64(plaintext.count),
                                                        ad, UInt64(ad.count), tag)
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
        return withUnsafeBytes(of: UInt32(length).bigEndian, Array.init) + cipher[0..<Int(length)]
    }
}

/// Opens a backup's chunks with the vault's key pair; throws at the first chunk that does not verify.
public final class BackupOpeningStream {
    static let abytes = BackupSealingStream.abytes
    /// The longest stored chunk: a full plaintext chunk plus the tag.
    public static let maxChunkCipherBytes = BackupSealingStream.chunkBytes + abytes

    private let headerBytes: [UInt8]
    private let state: SecureBytes
    public private(set) var sawFinal = false

    public init(header: BackupHeader, keyPair: VaultKeyPair) throws {
        try Sodium.ensureReady()
        guard header.keyID == keyPair.id else { throw VaultError.keyMismatch(expected: keyPair.id, found: header.keyID) }
        headerBytes = header.bytes
        let key = try SecureBytes(count: BackupHeader.keyBytes) { out in
            let rc = keyPair.secretKey.withUnsafeBytes { sk in
                crypto_box_seal_open(out.baseAddress!.assumingMemoryBound(to: UInt8.self), header.sealedKey,
                                     UInt64(header.sealedKey.count), keyPair.publicKey.bytes,
                                     sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.authenticationFailed }
        }
        state = try SecureBytes(count: MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
        let rc = state.withUnsafeMutableState { st in
            key.withUnsafeBytes { k in
                crypto_secretstream_xchacha20poly1305_init_pull(st, header.streamHeader, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
    }

    /// Opens one chunk's ciphertext (without its length prefix). A chunk after the FINAL one is refused.
    public func open(_ cipher: [UInt8]) throws -> [UInt8] {
        guard !sawFinal else { throw VaultError.malformed("backup file (data after the final chunk)") }
        guard cipher.count >= Self.abytes, cipher.count <= Self.maxChunkCipherBytes else {
            throw VaultError.malformed("backup file (chunk of \(cipher.count) bytes)")
        }
        var plain = [UInt8](repeating: 0, count: cipher.count - Self.abytes)
        var length: UInt64 = 0
        var tag: UInt8 = 0
        let ad = headerBytes
        let rc = state.withUnsafeMutableState { st in
            crypto_secretstream_xchacha20poly1305_pull(st, &plain, &length, &tag, cipher, UInt64(cipher.count), ad, UInt64(ad.count))
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
        if tag == crypto_secretstream_xchacha20poly1305_tag_final() { sawFinal = true }
        return Array(plain[0..<Int(length)])
    }
}

extension SecureBytes {
    /// The guarded buffer as libsodium's secretstream state (its keys live there, wiped on release).
    func withUnsafeMutableState<R>(_ body: (UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>) throws -> R) rethrows -> R {
        try withUnsafeBytes { raw in
            try body(UnsafeMutableRawPointer(mutating: raw.baseAddress!).bindMemory(
                to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1))
        }
    }
}

import CSodium

/// Opens sealed boxes with the secret key. Only the DPO's commands hold one.
public struct Opener: Sendable {
    public let keyPair: VaultKeyPair

    public init(keyPair: VaultKeyPair) {
        self.keyPair = keyPair
    }

    /// Opens `box` for the cell named by `context`. Throws on a wrong key, a wrong context or any tampering.
    public func open(_ box: SealedBox, context: String) throws -> [UInt8] {
        let dataKey = try unwrap(box)
        let ad = SealedBox.associatedData(context: context)
        let cipher = Array(box.ciphertext)
        let nonce = Array(box.nonce)
        var plain = [UInt8](repeating: 0, count: max(cipher.count - SealedBox.tagBytes, 0))
        var plainLength: UInt64 = 0
        let rc = dataKey.withUnsafeBytes { key in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &plain, &plainLength, nil, cipher, UInt64(cipher.count), ad, UInt64(ad.count),
                nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
        return Array(plain[0..<Int(plainLength)])
    }

    /// Re-wraps the box's data key to `sealer`'s public key (key rotation). The payload is untouched,
    /// so the cost is one `crypto_box_seal` per cell whatever its size.
    public func rewrap(_ box: SealedBox, to sealer: Sealer) throws -> SealedBox {
        let dataKey = try unwrap(box)
        var out = [UInt8]()
        out.reserveCapacity(box.bytes.count)
        out.append(SealedBox.version)
        out.append(contentsOf: sealer.publicKey.id.bytes)
        out.append(contentsOf: try sealer.wrap(dataKey))
        out.append(contentsOf: box.nonce)
        out.append(contentsOf: box.ciphertext)
        return SealedBox(unchecked: out)
    }

    private func unwrap(_ box: SealedBox) throws -> SecureBytes {
        guard box.keyID == keyPair.id else {
            throw VaultError.keyMismatch(expected: keyPair.id, found: box.keyID)
        }
        let wrapped = Array(box.wrappedKey)
        return try SecureBytes(count: SealedBox.dataKeyBytes) { out in
            let rc = keyPair.secretKey.withUnsafeBytes { sk in
                crypto_box_seal_open(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                     wrapped, UInt64(wrapped.count), keyPair.publicKey.bytes,
                                     sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.authenticationFailed }
        }
    }
}

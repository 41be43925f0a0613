import CSodium

/// Seals with the public key only. The web-facing process holds a `Sealer` and nothing that can open:
/// it writes contact requests but can never read one back.
public struct Sealer: Sendable {
    public let publicKey: VaultPublicKey
    let random: any RandomSource
    /// Guarded memory for the per-box data keys, reused instead of allocated per box.
    private let dataKeys = SecureScratch(count: SealedBox.dataKeyBytes)

    public init(publicKey: VaultPublicKey, random: any RandomSource = SystemRandom()) {
        self.publicKey = publicKey
        self.random = random
    }

    /// Seals `plaintext` for the cell named by `context` (for example `contact_requests/<ref>/payload`).
    public func seal(_ plaintext: [UInt8], context: String) throws -> SealedBox {
        try Sodium.ensureReady()
        return try dataKeys.withBlock(fill: { random.fill($0) }) { dataKey in
            try seal(plaintext, context: context, dataKey: dataKey)
        }
    }

    private func seal(_ plaintext: [UInt8], context: String, dataKey: SecureBytes) throws -> SealedBox {
        var out = [UInt8]()
        out.reserveCapacity(SealedBox.headerBytes + plaintext.count + SealedBox.tagBytes)
        out.append(SealedBox.version)
        out.append(contentsOf: publicKey.id.bytes)
        out.append(contentsOf: try wrap(dataKey))
        let nonce = random.bytes(SealedBox.nonceBytes)
        out.append(contentsOf: nonce)
        let ad = SealedBox.associatedData(context: context)
        var cipher = [UInt8](repeating: 0, count: plaintext.count + SealedBox.tagBytes)
        var cipherLength: UInt64 = 0
        let rc = dataKey.withUnsafeBytes { key in
            crypto_aead_xchacha20poly1305_ietf_encrypt(
                &cipher, &cipherLength, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count),
                nil, nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == 0 else { throw VaultError.authenticationFailed }
        out.append(contentsOf: cipher[0..<Int(cipherLength)])
        return SealedBox(unchecked: out)
    }

    /// Seals a data key to this public key (`crypto_box_seal`).
    func wrap(_ dataKey: SecureBytes) throws(VaultError) -> [UInt8] {
        var wrapped = [UInt8](repeating: 0, count: SealedBox.wrappedKeyBytes)
        let rc = dataKey.withUnsafeBytes { key in
            crypto_box_seal(&wrapped, key.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            UInt64(key.count), publicKey.bytes)
        }
        guard rc == 0 else { throw .authenticationFailed }
        return wrapped
    }
}

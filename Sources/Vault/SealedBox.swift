import CSodium

/// The stored form of one sealed cell.
///
/// Layout (version 1):
/// `0x01 | key id (8) | crypto_box_seal(data key) (80) | nonce (24) | XChaCha20-Poly1305(plaintext)`.
///
/// A fresh data key per cell is sealed to the vault's public key; the plaintext is encrypted under
/// the data key with associated data = version byte + the cell's context (table, record, column),
/// so a ciphertext moved to another record or column fails to open. Rotation re-wraps only the
/// data key; the payload stays as it is.
public struct SealedBox: Sendable, Equatable {
    public static let version: UInt8 = 1
    static let dataKeyBytes = 32
    static var wrappedKeyBytes: Int { dataKeyBytes + Int(crypto_box_sealbytes()) }
    static var nonceBytes: Int { Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()) }
    static var tagBytes: Int { Int(crypto_aead_xchacha20poly1305_ietf_abytes()) }
    static var headerBytes: Int { 1 + KeyID.byteCount + wrappedKeyBytes + nonceBytes }

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(VaultError) {
        try Sodium.ensureReady()
        guard let first = bytes.first else { throw .malformed("sealed box (empty)") }
        guard first == Self.version else { throw .unsupportedFormat(version: first) }
        guard bytes.count >= Self.headerBytes + Self.tagBytes else { throw .malformed("sealed box (too short)") }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The key pair this box was sealed to.
    public var keyID: KeyID {
        // Length was checked at init.
        try! KeyID(bytes: Array(bytes[1..<(1 + KeyID.byteCount)]))
    }

    var wrappedKey: ArraySlice<UInt8> {
        let start = 1 + KeyID.byteCount
        return bytes[start..<(start + Self.wrappedKeyBytes)]
    }

    var nonce: ArraySlice<UInt8> {
        let start = 1 + KeyID.byteCount + Self.wrappedKeyBytes
        return bytes[start..<(start + Self.nonceBytes)]
    }

    var ciphertext: ArraySlice<UInt8> { bytes[Self.headerBytes...] }

    static func associatedData(context: String) -> [UInt8] {
        [version] + Array(context.utf8)
    }
}

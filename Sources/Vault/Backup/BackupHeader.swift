import CSodium

/// The clear-text head of a backup file (format 1); docs/backups.md describes it byte by byte.
///
/// `"PVBK" | version 0x01 | flags 0x00 | key id (8) | manifest length (4, big-endian) | manifest |
/// crypto_box_seal(stream key) (80) | secretstream header (24)`, followed by the chunks.
/// Every chunk authenticates all of these bytes as associated data, so a changed manifest, key id
/// or sealed key makes the first chunk fail to open.
public struct BackupHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("PVBK".utf8)
    public static let version: UInt8 = 1
    /// The manifest is small JSON; anything longer is not a backup of ours.
    public static let maxManifestBytes = 1 << 20
    static let keyBytes = Int(crypto_secretstream_xchacha20poly1305_keybytes())
    static var sealedKeyBytes: Int { keyBytes + Int(crypto_box_sealbytes()) }
    static let streamHeaderBytes = Int(crypto_secretstream_xchacha20poly1305_headerbytes())
    /// Bytes before the manifest.
    static let prefixBytes = 4 + 1 + 1 + KeyID.byteCount + 4

    public let keyID: KeyID
    /// The manifest as stored: UTF-8 JSON without personal data, readable without any key.
    public let manifest: [UInt8]
    let sealedKey: [UInt8]
    let streamHeader: [UInt8]

    /// All header bytes, exactly as written: the associated data of every chunk.
    public var bytes: [UInt8] {
        var out = Self.magic + [Self.version, 0] + keyID.bytes
        out += withUnsafeBytes(of: UInt32(manifest.count).bigEndian, Array.init)
        return out + manifest + sealedKey + streamHeader
    }

    init(keyID: KeyID, manifest: [UInt8], sealedKey: [UInt8], streamHeader: [UInt8]) {
        self.keyID = keyID
        self.manifest = manifest
        self.sealedKey = sealedKey
        self.streamHeader = streamHeader
    }

    /// Reads a header with `read(n)`, which returns exactly `n` bytes or fewer at the end of the file.
    public static func parse(_ read: (Int) throws -> [UInt8]) throws -> BackupHeader {
        let prefix = try read(prefixBytes)
        guard prefix.count == prefixBytes, Array(prefix[0..<4]) == magic else {
            throw VaultError.malformed("backup file (no PVBK header: not a backup of this engine)")
        }
        guard prefix[4] == version else { throw VaultError.unsupportedFormat(version: prefix[4]) }
        guard prefix[5] == 0 else { throw VaultError.malformed("backup file (unknown flags \(prefix[5]))") }
        let keyID = try KeyID(bytes: Array(prefix[6..<14]))
        let length = prefix[14..<18].reduce(0) { $0 << 8 | Int($1) }
        guard length <= maxManifestBytes else { throw VaultError.malformed("backup file (manifest length \(length))") }
        let manifest = try read(length)
        let sealedKey = try read(sealedKeyBytes)
        let streamHeader = try read(streamHeaderBytes)
        guard manifest.count == length, sealedKey.count == sealedKeyBytes, streamHeader.count == streamHeaderBytes else {
            throw VaultError.malformed("backup file (header cut short)")
        }
        return BackupHeader(keyID: keyID, manifest: manifest, sealedKey: sealedKey, streamHeader: streamHeader)
    }
}

import CSodium

/// Unkeyed BLAKE2b-256, for the hash chains of the consent ledger and the audit log.
public enum Digest {
    public static let byteCount = 32

    public static func blake2b(_ input: [UInt8]) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_generichash(&out, byteCount, input, UInt64(input.count), nil, 0)
        return out
    }

    public static func blake2b(_ text: String) -> [UInt8] { blake2b(Array(text.utf8)) }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
}

extension Digest {
    /// SHA-256, for the transparency log (RFC 9162 fixes it, so that any verifier can recompute it).
    public static func sha256(_ input: [UInt8]) -> [UInt8] { Checksum.sha256(input) }
}

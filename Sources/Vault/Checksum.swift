import CSodium

/// SHA-256, for checksums that anyone can recompute with standard tools (`sha256sum`):
/// the archive package's manifest and the deletion report's signature input.
public enum Checksum {
    public static let byteCount = 32

    public static func sha256(_ input: [UInt8]) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_hash_sha256(&out, input, UInt64(input.count))
        return out
    }

    public static func sha256Hex(_ input: [UInt8]) -> String { Hex.encode(sha256(input)) }
}

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

    /// SHA-256 of one byte followed by `first` and `second`, fed to the hash one after another
    /// instead of joined into a new array first (RFC 9162's leaf and node hashes, once per append).
    public static func sha256(prefix: UInt8, _ first: [UInt8], _ second: [UInt8] = []) -> [UInt8] {
        _ = Sodium.ready
        var state = crypto_hash_sha256_state()
        var prefix = prefix
        _ = crypto_hash_sha256_init(&state)
        _ = crypto_hash_sha256_update(&state, &prefix, 1)
        _ = crypto_hash_sha256_update(&state, first, UInt64(first.count))
        if !second.isEmpty { _ = crypto_hash_sha256_update(&state, second, UInt64(second.count)) }
        return [UInt8](unsafeUninitializedCapacity: byteCount) { out, count in
            _ = crypto_hash_sha256_final(&state, out.baseAddress!)
            count = byteCount
        }
    }
}

import CSodium
import Foundation

/// Unkeyed BLAKE2b-256, for the hash chains of the consent ledger and the audit log.
public enum Digest {
    public static let byteCount = 32

    public static func blake2b(_ input: [UInt8]) -> [UInt8] {
        _ = Sodium.ready
        return [UInt8](unsafeUninitializedCapacity: byteCount) { out, count in
            _ = crypto_generichash(out.baseAddress!, byteCount, input, UInt64(input.count), nil, 0)
            count = byteCount
        }
    }

    /// BLAKE2b-256 of `input`, written straight into a `Data` (its storage only, where
    /// `Data(blake2b(…))` also makes the array): the hash chains store their hashes as `Data`.
    public static func blake2bData(_ input: [UInt8]) -> Data {
        _ = Sodium.ready
        var out = Data(count: byteCount)
        out.withUnsafeMutableBytes { buffer in
            _ = crypto_generichash(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), byteCount,
                                   input, UInt64(input.count), nil, 0)
        }
        return out
    }

    /// BLAKE2b-256 of the UTF-8 of `text`, read where the string keeps it (no copy for a native string).
    public static func blake2b(_ text: String) -> [UInt8] {
        text.utf8.withContiguousStorageIfAvailable { blake2b(bytes: $0) } ?? blake2b(Array(text.utf8))
    }

    static func blake2b(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let base = input.baseAddress else { return blake2b([UInt8]()) }
        _ = Sodium.ready
        return [UInt8](unsafeUninitializedCapacity: byteCount) { out, count in
            _ = crypto_generichash(out.baseAddress!, byteCount, base, UInt64(input.count), nil, 0)
            count = byteCount
        }
    }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
}

extension Digest {
    /// SHA-256, for the transparency log (RFC 9162 fixes it, so that any verifier can recompute it).
    public static func sha256(_ input: [UInt8]) -> [UInt8] { Checksum.sha256(input) }
}

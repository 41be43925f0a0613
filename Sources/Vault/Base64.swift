import Foundation

/// Standard base64 with padding (RFC 4648 §4), as Foundation's `base64EncodedString()` writes it,
/// without a `Data` and a copy in between: the ledger writes three such lines per consent (its
/// hashes and the Merkle leaf's digests). Not generic, so that callers in other modules get the
/// compiled loop, not the unspecialised generic one (an allocation per character, measured).
public enum Base64 {
    /// How many characters `count` bytes encode to.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes(encode) }

    /// The base64 text of `data`.
    public static func encode(_ data: Data) -> String { data.withUnsafeBytes(encode) }

    /// Appends the base64 text of `data` to `out`.
    public static func append(_ data: Data, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: encodedCount(data.count)))
        out.withUnsafeMutableBufferPointer { target in
            data.withUnsafeBytes { source in
                _ = write(source, into: UnsafeMutableBufferPointer(rebasing: target[start...]))
            }
        }
    }

    private static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: encodedCount(bytes.count)) { write(bytes, into: $0) }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Writes the characters of `bytes` at the start of `out` (which has room); returns how many.
    private static func write(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        alphabet.withUnsafeBufferPointer { table in
            var i = 0, o = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out[o] = table[Int(n >> 18)]
                out[o + 1] = table[Int(n >> 12 & 0x3f)]
                out[o + 2] = table[Int(n >> 6 & 0x3f)]
                out[o + 3] = table[Int(n & 0x3f)]
                i += 3
                o += 4
            }
            let rest = bytes.count - i
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                out[o] = table[Int(n >> 18)]
                out[o + 1] = table[Int(n >> 12 & 0x3f)]
                out[o + 2] = rest == 2 ? table[Int(n >> 6 & 0x3f)] : UInt8(ascii: "=")
                out[o + 3] = UInt8(ascii: "=")
                o += 4
            }
            return o
        }
    }
}

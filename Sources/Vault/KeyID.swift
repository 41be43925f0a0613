import CSodium

/// Names a key pair: the first 8 bytes of BLAKE2b(public key). Every ciphertext carries it,
/// so that rotation never has to guess which key opens what.
public struct KeyID: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 8
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(VaultError) {
        guard bytes.count == Self.byteCount else { throw .malformed("key id") }
        self.bytes = bytes
    }

    /// Derives the id of a public key.
    init(publicKey: [UInt8]) {
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        _ = crypto_generichash(&out, out.count, publicKey, UInt64(publicKey.count), nil, 0)
        self.bytes = out
    }

    public init?(hex: String) {
        guard let raw = Hex.decode(hex), raw.count == Self.byteCount else { return nil }
        self.bytes = raw
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

enum Hex {
    /// Lower-case hex, written straight into the string's storage (one allocation, none up to 15 digits).
    static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for b in bytes {
                out[i] = digit(b >> 4)
                out[i + 1] = digit(b & 0x0f)
                i += 2
            }
            return i
        }
    }

    @inline(__always) private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = [UInt8]()
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

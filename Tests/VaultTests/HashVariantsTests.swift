import Foundation
import Testing
@testable import Vault

/// The variants that hash without building the input first must give the plain functions' bytes.
@Suite("Hash variants and hex against the plain functions")
struct HashVariantsTests {
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test("SHA-256 of a prefix byte and one or two parts: as SHA-256 of them joined", arguments: [0, 1, 32, 63, 64, 65, 300])
    func prefixed(count: Int) {
        let a = Self.randomBytes(count), b = Self.randomBytes(count / 2 + 1)
        for prefix: UInt8 in [0x00, 0x01, 0xff] {
            #expect(Checksum.sha256(prefix: prefix, a) == Checksum.sha256([prefix] + a))
            #expect(Checksum.sha256(prefix: prefix, a, b) == Checksum.sha256([prefix] + a + b))
        }
    }

    @Test("BLAKE2b into a Data: the bytes of BLAKE2b into an array", arguments: [0, 1, 64, 300])
    func blake2bData(count: Int) {
        let input = Self.randomBytes(count)
        #expect(Digest.blake2bData(input) == Data(Digest.blake2b(input)))
    }

    @Test("hashing a string's UTF-8 in place: as hashing a copy of it",
          arguments: ["", "a", "ledger-v2\u{1F}\u{0}x", "Grüße aus Leinefelde-Worbis 🏘️", String(repeating: "é", count: 500)])
    func strings(text: String) {
        #expect(Digest.blake2b(text) == Digest.blake2b(Array(text.utf8)))
        // A bridged or sliced string has no contiguous UTF-8 of its own: the copy path.
        let sliced = String(("x" + text).dropFirst())
        #expect(Digest.blake2b(sliced) == Digest.blake2b(Array(text.utf8)))
    }

    @Test("hex: two lower-case digits per byte, as String(format:)", arguments: [0, 1, 7, 8, 16, 32, 100])
    func hex(count: Int) {
        let bytes = Self.randomBytes(count)
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }
}

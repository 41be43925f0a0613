import Foundation
import Testing
@testable import Vault

@Suite("Secure bytes, passphrase, digest, key ids")
struct SecureBytesTests {
    @Test("init(wiping:) copies the bytes and wipes the source")
    func wiping() throws {
        var source: [UInt8] = Array(1...32)
        let secure = try SecureBytes(wiping: &source)
        #expect(source == [UInt8](repeating: 0, count: 32))
        #expect(secure.count == 32)
        #expect(secure.withUnsafeBytes { Array($0) } == Array(1...32))
    }

    @Test("new secure bytes are zeroed; the fill closure writes into them")
    func zeroedAndFilled() throws {
        let zero = try SecureBytes(count: 64)
        #expect(zero.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
        let filled = try SecureBytes(count: 4) { buffer in
            for i in 0..<4 { buffer[i] = UInt8(i + 10) }
        }
        #expect(filled.withUnsafeBytes { Array($0) } == [10, 11, 12, 13])
    }

    @Test("an empty secret is allowed")
    func empty() throws {
        var nothing: [UInt8] = []
        let secure = try SecureBytes(wiping: &nothing)
        #expect(secure.count == 0)
        #expect(secure.withUnsafeBytes { $0.count } == 0)
    }

    @Test("comparison is by content and length")
    func equality() throws {
        var a: [UInt8] = [1, 2, 3], b: [UInt8] = [1, 2, 3], c: [UInt8] = [1, 2, 4], d: [UInt8] = [1, 2]
        let sa = try SecureBytes(wiping: &a), sb = try SecureBytes(wiping: &b)
        let sc = try SecureBytes(wiping: &c), sd = try SecureBytes(wiping: &d)
        #expect(sa.isEqual(to: sb))
        #expect(!sa.isEqual(to: sc))
        #expect(!sa.isEqual(to: sd))
    }

    @Test("a failing fill closure throws through")
    func failingFill() {
        struct Boom: Error {}
        #expect(throws: Boom.self) { _ = try SecureBytes(count: 8) { _ in throw Boom() } }
    }

    @Test("a passphrase drops trailing newlines only and wipes its source")
    func passphraseNewlines() throws {
        var bytes = Array(" pw \n\r\n".utf8)
        let p = try Passphrase(wiping: &bytes)
        #expect(p.bytes.withUnsafeBytes { Array($0) } == Array(" pw ".utf8))
        #expect(bytes.allSatisfy { $0 == 0 })
        var empty = Array("\n".utf8)
        #expect(try Passphrase(wiping: &empty).isEmpty)
    }

    @Test("BLAKE2b-256 matches the reference vectors", arguments: [
        ("", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"),
        ("abc", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"),
    ])
    func blake2b(input: String, hex: String) {
        #expect(Digest.hex(Digest.blake2b(input)) == hex)
        #expect(Digest.blake2b(Array(input.utf8)).count == Digest.byteCount)
    }

    @Test("a key id is the first 8 bytes of BLAKE2b-64 of the public key and round-trips through hex")
    func keyID() throws {
        let pair = try VaultKeyPair.generate()
        #expect(pair.id.bytes.count == 8)
        #expect(pair.id.hex.count == 16)
        #expect(KeyID(hex: pair.id.hex) == pair.id)
        #expect(KeyID(hex: pair.id.hex.uppercased()) == pair.id)
        #expect("\(pair.id)" == pair.id.hex)
        #expect(KeyID(hex: "abc") == nil)
        #expect(KeyID(hex: "zz" + String(pair.id.hex.dropFirst(2))) == nil)
        #expect(KeyID(hex: pair.id.hex + "00") == nil)
        #expect(throws: VaultError.malformed("key id")) { try KeyID(bytes: [1, 2, 3]) }
        #expect(throws: VaultError.malformed("public key")) { try VaultPublicKey(bytes: [1, 2, 3]) }
    }

    @Test("error descriptions say how to fix the problem")
    func descriptions() throws {
        #expect(VaultError.keyFileMissing(path: "/k/vault.key").description.contains("privacyctl keys init"))
        #expect(VaultError.insecurePermissions(path: "/k/vault.key", mode: 0o644).description.contains("chmod 600 /k/vault.key"))
        #expect(VaultError.insecurePermissions(path: "/k/vault.key", mode: 0o644).description.contains("644"))
    }
}

import Foundation
import Testing
@testable import Consent
import Vault

@Suite("Wind-down: the deletion report's signature")
struct ReportSigningTests {
    let key: Ed25519SigningKey
    init() throws { key = try Ed25519SigningKey.generate(name: "leinefelde.example/consent-ledger") }

    @Test("a report signed with an Ed25519 test key verifies against its verifier line; any change fails")
    func signAndVerify() throws {
        let report = Array("# Löschbericht zum Programmende\n\n| Kontaktanfragen | 8 |\n".utf8)
        let line = Ed25519ReportSigner(key: key).signatureLine(for: report)
        #expect(line.hasPrefix("\u{2014} leinefelde.example/consent-ledger "))
        #expect(ReportSignature.verify(line: line, message: report, verifierKey: key.verifierKey))
        var changed = report
        changed[changed.count - 3] = UInt8(ascii: "9")
        #expect(!ReportSignature.verify(line: line, message: changed, verifierKey: key.verifierKey))
        let other = try Ed25519SigningKey.generate(name: "leinefelde.example/consent-ledger")
        #expect(!ReportSignature.verify(line: line, message: report, verifierKey: other.verifierKey))
    }

    @Test("the verifier line has the C2SP signed-note form: name, 8 hex digits of the key hash, base64(0x01 ‖ key)")
    func verifierKeyForm() throws {
        let parts = key.verifierKey.split(separator: "+", maxSplits: 2).map(String.init)
        #expect(parts.count == 3 && parts[0] == key.name && parts[1].count == 8)
        let raw = try #require(Data(base64Encoded: parts[2]))
        #expect(raw.count == 33 && raw.first == 0x01 && [UInt8](raw.dropFirst()) == key.publicKey)
        // The key hash is SHA-256(name ‖ "\n" ‖ 0x01 ‖ key), first 4 bytes, recomputed here by hand.
        let hash = Checksum.sha256(Array(key.name.utf8) + [0x0A, 0x01] + key.publicKey)
        #expect(parts[1] == Digest.hex(Array(hash.prefix(4))))
    }

    @Test("SHA-256 matches the standard test vector")
    func sha256() {
        #expect(Checksum.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("until issue 11's audit.key is wired in, no signing key is loaded and the report says why")
    func seam() throws {
        #expect(try loadAuditSigningKey(keys: KeyDirectory(path: "/nonexistent"), passphrase: nil) == nil)
    }
}

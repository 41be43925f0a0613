import Foundation
import Testing
@testable import Vault

@Suite("Sealer and Opener")
struct SealerOpenerTests {
    let keys: SealingKeys
    let context = "contact_requests/CR-TEST/sealed"

    init() throws { keys = try SealingKeys() }

    @Test("seal then open gives the plaintext back", arguments: [0, 1, 15, 16, 17, 255, 4096, 1 << 20])
    func roundTrip(size: Int) throws {
        let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let box = try keys.sealer.seal(plaintext, context: context)
        #expect(box.bytes.count == SealedBox.headerBytes + size + SealedBox.tagBytes)
        #expect(try keys.opener.open(box, context: context) == plaintext)
        // Through its stored bytes, as the database gives them back.
        let reread = try SealedBox(bytes: box.bytes)
        #expect(try keys.opener.open(reread, context: context) == plaintext)
    }

    @Test("UTF-8 text survives a round trip exactly")
    func unicodeRoundTrip() throws {
        let text = "Zoë 😀 محمد 李小龍 Ñandú\n\u{0}end"
        let box = try keys.sealer.seal(Array(text.utf8), context: context)
        #expect(String(decoding: try keys.opener.open(box, context: context), as: UTF8.self) == text)
    }

    @Test("two seals of the same plaintext differ (fresh data key and nonce)")
    func freshness() throws {
        let a = try keys.sealer.seal(Array("same".utf8), context: context)
        let b = try keys.sealer.seal(Array("same".utf8), context: context)
        #expect(a.bytes != b.bytes)
        #expect(Array(a.nonce) != Array(b.nonce))
        #expect(Array(a.wrappedKey) != Array(b.wrappedKey))
    }

    @Test("the plaintext does not appear in the sealed bytes")
    func noClearText() throws {
        let secret = Array("erika.mustermann@example.org".utf8)
        let box = try keys.sealer.seal(secret, context: context)
        #expect(!box.bytes.containsRun(secret))
    }

    @Test("flipping any byte of a sealed box makes opening fail with a VaultError")
    func tamperEveryByte() throws {
        let plaintext = Array("Bitte rufen Sie mich zurück.".utf8)
        let box = try keys.sealer.seal(plaintext, context: context)
        let keyIDRange = 1..<(1 + KeyID.byteCount)
        for position in box.bytes.indices {
            var bytes = box.bytes
            bytes[position] ^= 0x01
            do {
                _ = try keys.opener.open(try SealedBox(bytes: bytes), context: context)
                Issue.record("byte \(position) was altered, yet the box opened")
            } catch let error as VaultError {
                if position == 0 {
                    #expect(error == .unsupportedFormat(version: 0), "byte \(position)")
                } else if keyIDRange.contains(position) {
                    #expect(error == .keyMismatch(expected: keys.pair.id, found: try KeyID(bytes: Array(bytes[keyIDRange]))), "byte \(position)")
                } else {
                    // Wrapped data key, nonce, ciphertext and tag.
                    #expect(error == .authenticationFailed, "byte \(position)")
                }
            } catch {
                Issue.record("byte \(position): not a VaultError: \(error)")
            }
        }
    }

    @Test("another key pair cannot open: keyMismatch")
    func wrongKeyPair() throws {
        let other = try VaultKeyPair.generate()
        let box = try keys.sealer.seal(Array("secret".utf8), context: context)
        #expect(throws: VaultError.keyMismatch(expected: other.id, found: keys.pair.id)) {
            try Opener(keyPair: other).open(box, context: context)
        }
    }

    @Test("another key pair cannot open even when the box claims its key id: authenticationFailed")
    func wrongKeyPairWithForgedID() throws {
        let other = try VaultKeyPair.generate()
        var bytes = try keys.sealer.seal(Array("secret".utf8), context: context).bytes
        bytes.replaceSubrange(1..<9, with: other.id.bytes)
        #expect(throws: VaultError.authenticationFailed) {
            try Opener(keyPair: other).open(try SealedBox(bytes: bytes), context: context)
        }
    }

    @Test("the wrong context (another record or column) fails", arguments: [
        "contact_requests/CR-OTHER/sealed", "contact_requests/CR-TEST/other", "", "contact_requests/CR-TEST/sealed ",
    ])
    func wrongContext(other: String) throws {
        let box = try keys.sealer.seal(Array("secret".utf8), context: context)
        #expect(throws: VaultError.authenticationFailed) { try keys.opener.open(box, context: other) }
    }

    @Test("the public key alone cannot open: the secret key is what opens")
    func publicKeyCannotOpen() throws {
        let box = try keys.sealer.seal(Array("only for the DPO".utf8), context: context)
        // A "key pair" made of the public key and anything but its secret (here: zeros, then the
        // public key bytes themselves) has the right id but cannot open.
        for fake in [[UInt8](repeating: 0, count: 32), keys.pair.publicKey.bytes] {
            var bytes = fake
            let pretender = VaultKeyPair(publicKey: keys.pair.publicKey, secretKey: try SecureBytes(wiping: &bytes))
            #expect(pretender.id == keys.pair.id)
            #expect(throws: VaultError.authenticationFailed) { try Opener(keyPair: pretender).open(box, context: context) }
        }
        // The secret is not derivable from what the sealer holds.
        #expect(!keys.sealer.publicKey.bytes.containsRun(secretBytes(keys.pair)))
    }

    @Test("key pairs from the same seed are equal; from different seeds they differ")
    func generation() throws {
        let a = try VaultKeyPair.generate(random: RepeatingRandom(byte: 7))
        let b = try VaultKeyPair.generate(random: RepeatingRandom(byte: 7))
        let c = try VaultKeyPair.generate(random: RepeatingRandom(byte: 8))
        #expect(a.publicKey == b.publicKey)
        #expect(a.secretKey.isEqual(to: b.secretKey))
        #expect(a.publicKey != c.publicKey)
        #expect(secretBytes(a).count == VaultKeyPair.secretByteCount)
        #expect(a.publicKey.bytes.count == VaultPublicKey.byteCount)
        #expect(try VaultKeyPair.generate().id != (try VaultKeyPair.generate().id))
    }

    @Test("rewrap keeps the plaintext and the payload, and changes the key id")
    func rewrap() throws {
        let next = try VaultKeyPair.generate()
        let plaintext = Array("Rückruf bitte ab 16 Uhr".utf8)
        let box = try keys.sealer.seal(plaintext, context: context)
        let rewrapped = try keys.opener.rewrap(box, to: Sealer(publicKey: next.publicKey))
        #expect(rewrapped.bytes[0] == SealedBox.version)
        #expect(rewrapped.keyID == next.id)
        #expect(rewrapped.keyID != box.keyID)
        #expect(Array(rewrapped.nonce) == Array(box.nonce))
        #expect(Array(rewrapped.ciphertext) == Array(box.ciphertext))
        #expect(Array(rewrapped.wrappedKey) != Array(box.wrappedKey))
        #expect(try Opener(keyPair: next).open(rewrapped, context: context) == plaintext)
        #expect(throws: VaultError.keyMismatch(expected: keys.pair.id, found: next.id)) { try keys.opener.open(rewrapped, context: context) }
        // Rewrapping needs the key the box is sealed to.
        #expect(throws: VaultError.keyMismatch(expected: next.id, found: keys.pair.id)) {
            try Opener(keyPair: next).rewrap(box, to: Sealer(publicKey: next.publicKey))
        }
        // The stored form parses again.
        #expect(try Opener(keyPair: next).open(try SealedBox(bytes: rewrapped.bytes), context: context) == plaintext)
    }
}

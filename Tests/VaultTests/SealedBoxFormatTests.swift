import Foundation
import Testing
@testable import Vault

/// The stored layout of a sealed cell: `0x01 | key id (8) | sealed data key (80) | nonce (24) | ciphertext + tag`.
@Suite("Sealed box format")
struct SealedBoxFormatTests {
    let keys: SealingKeys
    let context = "contact_requests/CR-TEST/sealed"

    init() throws { keys = try SealingKeys() }

    @Test("the header sizes are those of the documented layout")
    func sizes() throws {
        #expect(SealedBox.wrappedKeyBytes == 80)
        #expect(SealedBox.nonceBytes == 24)
        #expect(SealedBox.tagBytes == 16)
        #expect(SealedBox.headerBytes == 113)
        let box = try keys.sealer.seal(Array("abc".utf8), context: context)
        #expect(box.bytes.count == 113 + 3 + 16)
        #expect(Array(box.wrappedKey) == Array(box.bytes[9..<89]))
        #expect(Array(box.nonce) == Array(box.bytes[89..<113]))
        #expect(Array(box.ciphertext) == Array(box.bytes[113...]))
    }

    @Test("every sealed box starts with version byte 1 and carries the key id")
    func header() throws {
        let box = try keys.sealer.seal([1, 2, 3], context: context)
        #expect(box.bytes[0] == 1)
        #expect(box.bytes[0] == SealedBox.version)
        #expect(Array(box.bytes[1..<9]) == keys.pair.id.bytes)
        #expect(box.keyID == keys.pair.id)
        #expect(box.keyID == keys.pair.publicKey.id)
    }

    @Test("a truncated box is refused", arguments: [0, 1, 9, 100, 128])
    func truncated(length: Int) throws {
        let box = try keys.sealer.seal(Array("x".utf8), context: context)
        let cut = Array(box.bytes.prefix(length))
        #expect(throws: VaultError.self) { try keys.opener.open(try SealedBox(bytes: cut), context: context) }
    }

    @Test("a shortened ciphertext fails authentication")
    func droppedLastByte() throws {
        let box = try keys.sealer.seal(Array("hello, world".utf8), context: context)
        let shorter = try SealedBox(bytes: Array(box.bytes.dropLast()))
        #expect(throws: VaultError.authenticationFailed) { try keys.opener.open(shorter, context: context) }
        let longer = try SealedBox(bytes: box.bytes + [0])
        #expect(throws: VaultError.authenticationFailed) { try keys.opener.open(longer, context: context) }
    }

    @Test("an unsupported version byte is refused as unsupportedFormat", arguments: [UInt8(0), 2, 0x7f, 0xff])
    func unsupportedVersion(version: UInt8) throws {
        var bytes = try keys.sealer.seal([1, 2, 3], context: context).bytes
        bytes[0] = version
        #expect(throws: VaultError.unsupportedFormat(version: version)) { try SealedBox(bytes: bytes) }
    }

    @Test("an empty box is malformed")
    func emptyBox() {
        #expect(throws: VaultError.self) { try SealedBox(bytes: []) }
        do {
            _ = try SealedBox(bytes: [])
        } catch {
            if case .malformed = error {} else { Issue.record("expected malformed, got \(error)") }
        }
    }

}

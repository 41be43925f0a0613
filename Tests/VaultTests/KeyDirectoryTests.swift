import Foundation
import Testing
@testable import Vault

/// The key files. One key directory is written per test (Argon2id at the cheap test costs).
@Suite("Key directory")
struct KeyDirectoryTests {
    let folder: TemporaryFolder
    let keys: KeyDirectory
    let pair: VaultKeyPair
    let indexKey: IndexKey

    init() throws {
        folder = try TemporaryFolder()
        keys = KeyDirectory(path: folder.path + "/keys")
        pair = try VaultKeyPair.generate()
        indexKey = try IndexKey.generate()
        try keys.write(keyPair: pair, indexKey: indexKey, passphrase: try passphrase("correct horse battery staple"),
                       limits: fastLimits)
    }

    @Test("both key files are written 0600, the folder 0700")
    func modes() throws {
        #expect(permissions(keys.secretKeyPath()) == 0o600)
        #expect(permissions(keys.publicKeyPath()) == 0o600)
        #expect(permissions(keys.path) == 0o700)
        #expect(keys.hasKeys())
        #expect(!keys.hasKeys(suffix: ".next"))
        #expect(!FileManager.default.fileExists(atPath: keys.secretKeyPath() + ".tmp"))
    }

    @Test("the secret key file never holds the raw secret key")
    func noRawSecret() throws {
        let secret = secretBytes(pair)
        #expect(secret.count == 32)
        let file = fileBytes(keys.secretKeyPath())
        #expect(file.count == 150)
        #expect(!file.containsRun(secret))
        #expect(!file.containsRun(Array(secret.prefix(8))))
        #expect(!fileBytes(keys.publicKeyPath()).containsRun(secret))
        // Nor in base64 or hex in the public file.
        let text = String(decoding: fileBytes(keys.publicKeyPath()), as: UTF8.self)
        #expect(!text.contains(Data(secret).base64EncodedString()))
        #expect(!text.contains(Digest.hex(secret)))
    }

    @Test("the secret key file starts with its magic, version and the key id")
    func secretLayout() {
        let file = fileBytes(keys.secretKeyPath())
        #expect(Array(file[0..<4]) == Array("PVSK".utf8))
        #expect(file[4] == 1)
        #expect(Array(file[38..<46]) == pair.id.bytes)
        #expect(Array(file[46..<78]) == pair.publicKey.bytes)
    }

    @Test("the right passphrase unwraps the same key pair, which opens what was sealed")
    func unwrap() throws {
        let loaded = try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple"))
        #expect(loaded.id == pair.id)
        #expect(loaded.publicKey == pair.publicKey)
        #expect(loaded.secretKey.isEqual(to: pair.secretKey))
        let box = try Sealer(publicKey: pair.publicKey).seal(Array("hallo".utf8), context: "c")
        #expect(try Opener(keyPair: loaded).open(box, context: "c") == Array("hallo".utf8))
    }

    @Test("a trailing newline from a passphrase file is not part of the passphrase")
    func trailingNewline() throws {
        let loaded = try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple\r\n"))
        #expect(loaded.id == pair.id)
    }

    @Test("a wrong passphrase is wrongPassphrase", arguments: ["", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "])
    func wrongPassphrase(text: String) throws {
        #expect(throws: VaultError.wrongPassphrase(path: keys.secretKeyPath())) {
            try keys.loadKeyPair(passphrase: try passphrase(text))
        }
    }

    @Test("missing key files are keyFileMissing")
    func missing() throws {
        let empty = KeyDirectory(path: folder.path + "/nowhere")
        #expect(!empty.hasKeys())
        #expect(throws: VaultError.keyFileMissing(path: empty.secretKeyPath())) {
            try empty.loadKeyPair(passphrase: try passphrase("x"))
        }
        #expect(throws: VaultError.keyFileMissing(path: empty.publicKeyPath())) { try empty.loadPublic() }
        #expect(throws: VaultError.keyFileMissing(path: keys.secretKeyPath(suffix: ".next"))) {
            try keys.loadKeyPair(passphrase: try passphrase("x"), suffix: ".next")
        }
    }

    @Test("a secret key file readable by group or others is refused", arguments: [UInt16(0o640), 0o604, 0o644, 0o660, 0o666, 0o610, 0o601])
    func insecureSecret(mode: UInt16) throws {
        #expect(chmod(keys.secretKeyPath(), mode_t(mode)) == 0)
        #expect(throws: VaultError.insecurePermissions(path: keys.secretKeyPath(), mode: mode)) {
            try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple"))
        }
    }

    @Test("a public key file readable by others is refused; group-readable is allowed")
    func insecurePublic() throws {
        #expect(chmod(keys.publicKeyPath(), 0o604) == 0)
        #expect(throws: VaultError.insecurePermissions(path: keys.publicKeyPath(), mode: 0o604)) { try keys.loadPublic() }
        #expect(chmod(keys.publicKeyPath(), 0o640) == 0)
        #expect(try keys.loadPublic().publicKey == pair.publicKey)
    }

    /// Offsets in the format-1 layout: magic 0-3, version 4, alg 5, opslimit 6-13, memlimit 14-21,
    /// salt 22-37, key id 38-45, public key 46-77, nonce 78-101, wrapped secret 102-149.
    /// (Only low bits of the cost fields are flipped, so no test asks Argon2 for gigabytes.)
    @Test("an altered byte anywhere in the secret key file fails", arguments: [
        0, 3, 4, 5, 6, 16, 22, 37, 38, 45, 46, 77, 78, 101, 102, 130, 149,
    ])
    func alteredSecretFile(position: Int) throws {
        var bytes = fileBytes(keys.secretKeyPath())
        bytes[position] ^= 0x01
        try overwrite(keys.secretKeyPath(), with: bytes)
        #expect(permissions(keys.secretKeyPath()) == 0o600)
        do {
            let loaded = try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple"))
            Issue.record("byte \(position) altered, yet a key pair \(loaded.id) was loaded")
        } catch let error as VaultError {
            switch position {
            case 0...3: if case .malformed = error {} else { Issue.record("byte \(position): \(error)") }
            case 4: #expect(error == .unsupportedFormat(version: 0))
            // The algorithm byte and the costs are checked before any derivation: an unknown
            // algorithm or a cost below libsodium's minimum is a malformed file.
            case 5, 6: if case .malformed = error {} else { Issue.record("byte \(position): \(error)") }
            default: #expect(error == .wrongPassphrase(path: keys.secretKeyPath()), "byte \(position)")
            }
        }
    }

    /// A header asking Argon2 for more than libsodium's "sensitive" costs (up to 2^64 − 1, which
    /// trapped converting to `Int`) is refused before any derivation, as a malformed file.
    @Test("Argon2 costs beyond the sensitive maxima are malformed, never a crash or a huge allocation", arguments: [
        (6, UInt64.max), (6, UInt64(5)), (14, UInt64.max), (14, UInt64(1) << 63), (14, UInt64(2) << 30), (14, UInt64(1024)),
    ])
    func unboundedCosts(offset: Int, value: UInt64) throws {
        var bytes = fileBytes(keys.secretKeyPath())
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        try overwrite(keys.secretKeyPath(), with: bytes)
        do {
            _ = try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple"))
            Issue.record("costs \(value) at \(offset) were accepted")
        } catch let error as VaultError {
            if case .malformed(let what) = error { #expect(what.contains("out of bounds")) } else { Issue.record("\(error)") }
        }
    }

    @Test("a truncated or extended secret key file is malformed", arguments: [0, 4, 149, 151])
    func wrongLength(length: Int) throws {
        var bytes = fileBytes(keys.secretKeyPath())
        if length > bytes.count { bytes += [0] } else { bytes = Array(bytes.prefix(length)) }
        try overwrite(keys.secretKeyPath(), with: bytes)
        do {
            _ = try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple"))
            Issue.record("a \(length)-byte key file was accepted")
        } catch let error as VaultError {
            if case .malformed = error {} else { Issue.record("\(length) bytes: \(error)") }
        }
    }

    @Test("the public file round-trips the public key, its id and the index key")
    func publicRoundTrip() throws {
        let (publicKey, loadedIndex) = try keys.loadPublic()
        #expect(publicKey == pair.publicKey)
        #expect(publicKey.id == pair.id)
        #expect(loadedIndex.key.isEqual(to: indexKey.key))
        #expect(BlindIndex(key: loadedIndex).value(forEmail: "a@b.de") == BlindIndex(key: indexKey).value(forEmail: "a@b.de"))
        let text = String(decoding: fileBytes(keys.publicKeyPath()), as: UTF8.self)
        #expect(text.contains("key-id: \(pair.id.hex)"))
        #expect(text.hasPrefix("# privacy engine vault"))
    }

    @Test("a public file whose key id does not match its key is malformed")
    func publicKeyIDMismatch() throws {
        let other = try VaultKeyPair.generate()
        var text = String(decoding: fileBytes(keys.publicKeyPath()), as: UTF8.self)
        text = text.replacingOccurrences(of: pair.id.hex, with: other.id.hex)
        try overwrite(keys.publicKeyPath(), with: Array(text.utf8))
        #expect(throws: VaultError.self) { try keys.loadPublic() }
    }

    @Test("a public file without its index key is malformed")
    func publicWithoutIndexKey() throws {
        let text = String(decoding: fileBytes(keys.publicKeyPath()), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("index-key") }.joined(separator: "\n")
        try overwrite(keys.publicKeyPath(), with: Array(text.utf8))
        #expect(throws: VaultError.malformed("public key file \(keys.publicKeyPath()): no index-key line")) { try keys.loadPublic() }
    }

    @Test("a generation beside the live one (.next) is written and promoted over it")
    func nextGeneration() throws {
        let next = try VaultKeyPair.generate()
        try keys.write(keyPair: next, indexKey: indexKey, passphrase: try passphrase("correct horse battery staple"),
                       limits: fastLimits, suffix: ".next")
        #expect(keys.hasKeys(suffix: ".next"))
        #expect(permissions(keys.secretKeyPath(suffix: ".next")) == 0o600)
        #expect(try keys.loadPublic(suffix: ".next").publicKey == next.publicKey)
        #expect(try keys.loadPublic().publicKey == pair.publicKey)
        try keys.promote(suffix: ".next")
        #expect(!keys.hasKeys(suffix: ".next"))
        #expect(try keys.loadPublic().publicKey == next.publicKey)
        #expect(try keys.loadKeyPair(passphrase: try passphrase("correct horse battery staple")).id == next.id)
    }

    @Test("the cost limits travel in the file: a file written with the interactive costs reads back")
    func interactiveLimits() throws {
        let other = KeyDirectory(path: folder.path + "/interactive")
        try other.write(keyPair: pair, indexKey: indexKey, passphrase: try passphrase("pw"))
        let file = fileBytes(other.secretKeyPath())
        #expect(SecretKeyFile.fromLittleEndian(Array(file[6..<14])) == PasswordHashLimits.interactive.opsLimit)
        #expect(SecretKeyFile.fromLittleEndian(Array(file[14..<22])) == PasswordHashLimits.interactive.memLimit)
        #expect(try other.loadKeyPair(passphrase: try passphrase("pw")).id == pair.id)
    }

    @Test("two writes of the same pair use fresh salts and nonces")
    func freshSalt() throws {
        let other = KeyDirectory(path: folder.path + "/again")
        try other.write(keyPair: pair, indexKey: indexKey, passphrase: try passphrase("correct horse battery staple"), limits: fastLimits)
        let a = fileBytes(keys.secretKeyPath()), b = fileBytes(other.secretKeyPath())
        #expect(Array(a[22..<38]) != Array(b[22..<38]))
        #expect(Array(a[102...]) != Array(b[102...]))
    }
}

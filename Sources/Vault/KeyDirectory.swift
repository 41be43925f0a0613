import CSodium
import Foundation

/// The folder holding the vault's two key files.
///
/// - `vault.pub`: the public key and the blind-index key; all `privacyctl serve` needs.
///   It cannot open anything, but the index key lets its holder test whether an address is on
///   file, so it is written 0600 too and refused when others can read it.
/// - `vault.key`: the secret key, wrapped with the DPO's passphrase (Argon2id → XChaCha20-Poly1305),
///   written 0600 and refused when group or others can read it.
public struct KeyDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static let publicFileName = "vault.pub"
    public static let secretFileName = "vault.key"

    /// `suffix` names a generation of files other than the live one (".next" during rotation).
    public func publicKeyPath(suffix: String = "") -> String { path + "/" + Self.publicFileName + suffix }
    public func secretKeyPath(suffix: String = "") -> String { path + "/" + Self.secretFileName + suffix }

    public func hasKeys(suffix: String = "") -> Bool {
        FileManager.default.fileExists(atPath: publicKeyPath(suffix: suffix))
            || FileManager.default.fileExists(atPath: secretKeyPath(suffix: suffix))
    }

    // MARK: Writing

    /// Writes both files for `keyPair` (0600, atomically through a temporary file and rename).
    public func write(keyPair: VaultKeyPair, indexKey: IndexKey, passphrase: Passphrase,
                      limits: PasswordHashLimits = .interactive, suffix: String = "",
                      random: any RandomSource = SystemRandom()) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let secret = try SecretKeyFile.wrap(keyPair: keyPair, passphrase: passphrase, limits: limits, random: random)
        try Self.writeAtomically(secret, to: secretKeyPath(suffix: suffix))
        try writePublic(publicKey: keyPair.publicKey, indexKey: indexKey, suffix: suffix)
    }

    /// Writes only the public file (a rotation that resumes re-derives it from the new key pair).
    public func writePublic(publicKey: VaultPublicKey, indexKey: IndexKey, suffix: String = "") throws {
        try Self.writeAtomically(PublicKeyFile.encode(publicKey: publicKey, indexKey: indexKey), to: publicKeyPath(suffix: suffix))
    }

    /// Moves the ".next" generation over the live one (the last step of a rotation).
    ///
    /// The public file goes first: from then on a server seals to the new key, whose secret exists
    /// (still as `vault.key.next` if the process dies before the second rename). A file already
    /// moved by an interrupted run is skipped, so running this again finishes the swap.
    public func promote(suffix: String) throws {
        for (from, to) in [(publicKeyPath(suffix: suffix), publicKeyPath()), (secretKeyPath(suffix: suffix), secretKeyPath())] {
            guard FileManager.default.fileExists(atPath: from) else { continue }
            guard rename(from, to) == 0 else {
                throw VaultError.io(path: to, reason: String(cString: strerror(errno)))
            }
        }
        Self.syncDirectory(path)
    }

    // MARK: Reading

    /// What the web-facing process loads: the public key and the index key.
    public func loadPublic(suffix: String = "") throws -> (publicKey: VaultPublicKey, indexKey: IndexKey) {
        let file = publicKeyPath(suffix: suffix)
        var bytes = try Self.readChecked(file, forbiddenBits: 0o007)
        return try PublicKeyFile.decode(&bytes, path: file)
    }

    /// What the DPO's commands load: the key pair, unwrapped with the passphrase.
    public func loadKeyPair(passphrase: Passphrase, suffix: String = "") throws -> VaultKeyPair {
        let file = secretKeyPath(suffix: suffix)
        let bytes = try Self.readChecked(file, forbiddenBits: 0o077)
        return try SecretKeyFile.unwrap(bytes, passphrase: passphrase, path: file)
    }

    // MARK: Files

    static func readChecked(_ file: String, forbiddenBits: UInt16) throws -> [UInt8] {
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT { throw VaultError.keyFileMissing(path: file) }
            throw VaultError.io(path: file, reason: String(cString: strerror(errno)))
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & forbiddenBits == 0 else { throw VaultError.insecurePermissions(path: file, mode: mode) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw VaultError.io(path: file, reason: "cannot read")
        }
        return [UInt8](data)
    }

    static func writeAtomically(_ bytes: [UInt8], to file: String) throws {
        let temp = file + ".tmp"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VaultError.io(path: temp, reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(temp)
            throw VaultError.io(path: temp, reason: "short write")
        }
        guard rename(temp, file) == 0 else {
            throw VaultError.io(path: file, reason: String(cString: strerror(errno)))
        }
        syncDirectory((file as NSString).deletingLastPathComponent)
    }

    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// `vault.pub`: a small text file an operator can read.
enum PublicKeyFile {
    static let header = "# privacy engine vault: public key and blind-index key (format 1)"

    static func encode(publicKey: VaultPublicKey, indexKey: IndexKey) -> [UInt8] {
        let index = indexKey.key.withUnsafeBytes { Data($0).base64EncodedString() }
        let text = """
        \(header)
        key-id: \(publicKey.id.hex)
        public-key: \(Data(publicKey.bytes).base64EncodedString())
        index-key: \(index)

        """
        return Array(text.utf8)
    }

    static func decode(_ bytes: inout [UInt8], path: String) throws -> (VaultPublicKey, IndexKey) {
        defer { sodium_memzero(&bytes, bytes.count) }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let pkText = fields["public-key"], let pkData = Data(base64Encoded: pkText) else {
            throw VaultError.malformed("public key file \(path): no public-key line")
        }
        guard let indexText = fields["index-key"], let indexData = Data(base64Encoded: indexText) else {
            throw VaultError.malformed("public key file \(path): no index-key line")
        }
        let publicKey = try VaultPublicKey(bytes: [UInt8](pkData))
        if let id = fields["key-id"], id != publicKey.id.hex {
            throw VaultError.malformed("public key file \(path): key-id does not match the key")
        }
        var indexBytes = [UInt8](indexData)
        return (publicKey, try IndexKey(wiping: &indexBytes))
    }
}

/// `vault.key`: the secret key wrapped with a passphrase.
///
/// Layout (format 1): `"PVSK" | 0x01 | alg (1) | opslimit (8, LE) | memlimit (8, LE) | salt (16) |
/// key id (8) | public key (32) | nonce (24) | XChaCha20-Poly1305(secret key) (48)`, with every byte
/// before the ciphertext as associated data, so a changed header fails like a wrong passphrase.
enum SecretKeyFile {
    static let magic: [UInt8] = Array("PVSK".utf8)
    static let formatVersion: UInt8 = 1

    static func wrap(keyPair: VaultKeyPair, passphrase: Passphrase, limits: PasswordHashLimits,
                     random: any RandomSource) throws -> [UInt8] {
        try wrap(magic: magic, publicKey: keyPair.publicKey.bytes, secret: keyPair.secretKey,
                 passphrase: passphrase, limits: limits, random: random)
    }

    static func unwrap(_ bytes: [UInt8], passphrase: Passphrase, path: String) throws -> VaultKeyPair {
        let (publicKey, secret) = try unwrap(bytes, magic: magic, secretByteCount: VaultKeyPair.secretByteCount,
                                             passphrase: passphrase, path: path)
        return VaultKeyPair(publicKey: try VaultPublicKey(bytes: publicKey), secretKey: secret)
    }

    /// The same layout for any 32-byte public key and its secret (`audit.key` uses magic "PASK"
    /// and a 32-byte Ed25519 seed): the key id is the first 8 bytes of BLAKE2b(public key).
    static func wrap(magic: [UInt8], publicKey: [UInt8], secret: SecureBytes, passphrase: Passphrase,
                     limits: PasswordHashLimits, random: any RandomSource) throws -> [UInt8] {
        let salt = random.bytes(Int(crypto_pwhash_saltbytes()))
        let nonce = random.bytes(Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()))
        var header = magic + [formatVersion, UInt8(crypto_pwhash_alg_argon2id13())]
        header += littleEndian(limits.opsLimit) + littleEndian(limits.memLimit)
        header += salt + KeyID(publicKey: publicKey).bytes + publicKey + nonce
        let wrappingKey = try deriveKey(passphrase: passphrase, salt: salt, limits: limits,
                                        alg: Int32(crypto_pwhash_alg_argon2id13()))
        var cipher = [UInt8](repeating: 0, count: secret.count + Int(crypto_aead_xchacha20poly1305_ietf_abytes()))
        var cipherLength: UInt64 = 0
        let rc = wrappingKey.withUnsafeBytes { wk in
            secret.withUnsafeBytes { sk in
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    &cipher, &cipherLength, sk.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(sk.count),
                    header, UInt64(header.count), nil, nonce, wk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else { throw VaultError.keyDerivationFailed }
        return header + cipher
    }

    static func unwrap(_ bytes: [UInt8], magic: [UInt8], secretByteCount: Int, passphrase: Passphrase,
                       path: String) throws -> (publicKey: [UInt8], secret: SecureBytes) {
        let saltBytes = Int(crypto_pwhash_saltbytes())
        let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_npubbytes())
        let headerBytes = 4 + 1 + 1 + 8 + 8 + saltBytes + KeyID.byteCount + VaultPublicKey.byteCount + nonceBytes
        let cipherBytes = secretByteCount + Int(crypto_aead_xchacha20poly1305_ietf_abytes())
        guard bytes.count == headerBytes + cipherBytes, Array(bytes[0..<4]) == magic else {
            throw VaultError.malformed("secret key file \(path) (not a \(String(decoding: magic, as: UTF8.self)) key file)")
        }
        guard bytes[4] == formatVersion else { throw VaultError.unsupportedFormat(version: bytes[4]) }
        var offset = 6
        func take(_ n: Int) -> [UInt8] { defer { offset += n }; return Array(bytes[offset..<(offset + n)]) }
        let alg = Int32(bytes[5])
        let limits = PasswordHashLimits(opsLimit: fromLittleEndian(take(8)), memLimit: fromLittleEndian(take(8)))
        // The header is not authenticated until the key is derived from it: costs beyond
        // libsodium's "sensitive" level (or an unknown algorithm) are an altered file, refused
        // before they can exhaust memory or time (or trap converting to Int).
        guard alg == crypto_pwhash_alg_argon2id13() || alg == crypto_pwhash_alg_argon2i13() else {
            throw VaultError.malformed("secret key file \(path) (unknown key derivation algorithm \(alg))")
        }
        guard limits.isWithinBounds else {
            throw VaultError.malformed("secret key file \(path) (Argon2 costs out of bounds: opslimit \(limits.opsLimit), memlimit \(limits.memLimit) bytes; at most \(PasswordHashLimits.maximum.opsLimit) and \(PasswordHashLimits.maximum.memLimit))")
        }
        let salt = take(saltBytes)
        let storedID = take(KeyID.byteCount)
        let publicKey = take(VaultPublicKey.byteCount)
        let nonce = take(nonceBytes)
        let header = Array(bytes[0..<headerBytes])
        let cipher = Array(bytes[headerBytes...])
        guard storedID == KeyID(publicKey: publicKey).bytes else { throw VaultError.wrongPassphrase(path: path) }
        let wrappingKey = try deriveKey(passphrase: passphrase, salt: salt, limits: limits, alg: alg)
        let secret = try SecureBytes(count: secretByteCount) { out in
            var plainLength: UInt64 = 0
            let rc = wrappingKey.withUnsafeBytes { wk in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), &plainLength, nil,
                    cipher, UInt64(cipher.count), header, UInt64(header.count), nonce,
                    wk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw VaultError.wrongPassphrase(path: path) }
        }
        return (publicKey, secret)
    }

    static func deriveKey(passphrase: Passphrase, salt: [UInt8], limits: PasswordHashLimits, alg: Int32) throws -> SecureBytes {
        guard limits.isWithinBounds else { throw VaultError.keyDerivationFailed }
        return try SecureBytes(count: Int(crypto_aead_xchacha20poly1305_ietf_keybytes())) { out in
            let rc = passphrase.bytes.withUnsafeBytes { pw in
                crypto_pwhash(out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(out.count),
                              pw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(pw.count),
                              salt, limits.opsLimit, Int(limits.memLimit), alg)
            }
            guard rc == 0 else { throw VaultError.keyDerivationFailed }
        }
    }

    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func fromLittleEndian(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
}

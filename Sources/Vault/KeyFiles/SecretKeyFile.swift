import CSodium
import Foundation

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

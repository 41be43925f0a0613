import Testing
import Foundation
@testable import Vault

/// Cheap Argon2id costs for tests that do not test the costs themselves (one derivation ≈ 10 ms, 8 MiB).
let fastLimits = PasswordHashLimits(opsLimit: 1, memLimit: 8 << 20)

func passphrase(_ text: String) throws -> Passphrase {
    var bytes = Array(text.utf8)
    return try Passphrase(wiping: &bytes)
}

/// A folder under the system's temporary directory, removed when the value goes away.
final class TemporaryFolder: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vault-tests-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The permission bits of a file (`st_mode & 0o777`).
func permissions(_ path: String) -> UInt16 {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0xffff }
    return UInt16(info.st_mode & 0o777)
}

func fileBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

/// Overwrites a file in place, keeping its mode.
func overwrite(_ path: String, with bytes: [UInt8]) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: 0)
    try handle.write(contentsOf: Data(bytes))
    try handle.truncate(atOffset: UInt64(bytes.count))
    try handle.close()
}

extension Array where Element == UInt8 {
    /// `true` when `needle` occurs as a contiguous run of bytes.
    func containsRun(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        return Data(self).range(of: Data(needle)) != nil
    }
}

/// The secret half of a key pair, copied out of guarded memory (tests only).
func secretBytes(_ pair: VaultKeyPair) -> [UInt8] {
    pair.secretKey.withUnsafeBytes { Array($0) }
}

/// A random source that yields a fixed, repeatable stream (for tests that need equal keys).
struct RepeatingRandom: RandomSource {
    let byte: UInt8
    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        for i in 0..<buffer.count { buffer[i] = byte &+ UInt8(truncatingIfNeeded: i) }
    }
}

/// A new key pair with the sealer and opener made from it.
struct SealingKeys {
    let pair: VaultKeyPair
    let sealer: Sealer
    let opener: Opener

    init() throws {
        pair = try VaultKeyPair.generate()
        sealer = Sealer(publicKey: pair.publicKey)
        opener = Opener(keyPair: pair)
    }
}

import Foundation
import Testing
@testable import Vault

@Suite("Backup files: sealed to the public key, chunked, every byte verified")
struct BackupStreamTests {
    let folder: TemporaryFolder
    let pair: VaultKeyPair

    init() throws {
        folder = try TemporaryFolder()
        pair = try VaultKeyPair.generate()
    }

    func payload(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) } }

    func seal(_ plain: [UInt8], manifest: String = #"{"format":"test"}"#, name: String = "b.pvbk") throws -> String {
        let plainPath = folder.path + "/plain-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: plainPath, contents: Data(plain))
        let out = folder.path + "/" + name
        try BackupFile.seal(plainPath: plainPath, to: out, publicKey: pair.publicKey, manifest: Array(manifest.utf8))
        return out
    }

    func open(_ path: String, with keyPair: VaultKeyPair? = nil) throws -> [UInt8] {
        let out = folder.path + "/opened-\(UUID().uuidString)"
        let writer = try PrivateFileWriter(path: out)
        do {
            try BackupFile.open(at: path, keyPair: keyPair ?? pair, into: writer)
            try writer.finish()
        } catch {
            writer.abandon()
            #expect(!FileManager.default.fileExists(atPath: out), "a failed open leaves no file")
            throw error
        }
        return fileBytes(out)
    }

    @Test("round trip, for sizes around the chunk boundary", arguments: [0, 1, 65_535, 65_536, 65_537, 200_000])
    func roundTrip(size: Int) throws {
        let plain = payload(size)
        let path = try seal(plain)
        #expect(try open(path) == plain)
        #expect(permissions(path) == 0o600)
        let header = try BackupFile.header(at: path)
        #expect(String(decoding: header.manifest, as: UTF8.self) == #"{"format":"test"}"#)
        #expect(header.keyID == pair.id)
        // The header bytes are where docs/backups.md says: magic, version, flags, key id, length.
        let bytes = fileBytes(path)
        #expect(Array(bytes[0..<4]) == Array("PVBK".utf8))
        #expect(bytes[4] == 1 && bytes[5] == 0)
        #expect(Array(bytes[6..<14]) == pair.id.bytes)
        #expect(Array(bytes[14..<18]) == [0, 0, 0, 17])
    }

    @Test("the payload is not readable in the file")
    func confidential() throws {
        let plain = Array(String(repeating: "erika@example.org 203.0.113.0 Mozilla/5.0 ", count: 50).utf8)
        let bytes = fileBytes(try seal(plain))
        #expect(!bytes.containsRun(Array("erika@example.org".utf8)))
        #expect(!bytes.containsRun(Array("203.0.113".utf8)))
    }

    enum Damage: String, CaseIterable { case magic, version, keyID, manifest, sealedKey, streamHeader, chunkLength, chunk, lastByte, truncated, truncatedToChunkEnd, appended }

    @Test("a damaged file does not open and leaves nothing behind", arguments: Damage.allCases)
    func tampered(_ damage: Damage) throws {
        let plain = payload(150_000)
        let path = try seal(plain)
        var bytes = fileBytes(path)
        let manifestEnd = 18 + 17
        let chunks = manifestEnd + 80 + 24
        switch damage {
        case .magic: bytes[1] ^= 0x01
        case .version: bytes[4] = 2
        case .keyID: bytes[7] ^= 0x01
        case .manifest: bytes[20] ^= 0x01
        case .sealedKey: bytes[manifestEnd + 5] ^= 0x01
        case .streamHeader: bytes[manifestEnd + 80 + 3] ^= 0x01
        case .chunkLength: bytes[chunks + 3] ^= 0x01
        case .chunk: bytes[chunks + 4 + 1000] ^= 0x01
        case .lastByte: bytes[bytes.count - 1] ^= 0x01
        case .truncated: bytes.removeLast(100)
        case .truncatedToChunkEnd:
            // Exactly two whole chunks: every chunk present verifies, but the FINAL one is missing.
            bytes = Array(bytes[0..<(chunks + 2 * (4 + 65_536 + 17))])
        case .appended: bytes += [0, 0, 0, 17] + [UInt8](repeating: 0, count: 17)
        }
        try overwrite(path, with: bytes)
        #expect(throws: VaultError.self) { _ = try open(path) }
    }

    @Test("another key pair cannot open it")
    func wrongKey() throws {
        let path = try seal(payload(1000))
        #expect(throws: VaultError.self) { _ = try open(path, with: try VaultKeyPair.generate()) }
    }

    @Test("an existing file or a symlink at the target is refused, never overwritten")
    func refusesExisting() throws {
        let existing = folder.path + "/exists"
        FileManager.default.createFile(atPath: existing, contents: Data("keep".utf8))
        #expect(throws: VaultError.self) { _ = try PrivateFileWriter(path: existing) }
        #expect(fileBytes(existing) == Array("keep".utf8))
        let link = folder.path + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path + "/target")
        #expect(throws: VaultError.self) { _ = try PrivateFileWriter(path: link) }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/target"))
    }
}

import Foundation
import Synchronization
import Vault

/// The web-facing process's key material: the public key (seal only) and the blind-index key, read
/// from `vault.pub`. Re-read when the file changes, so a `privacyctl keys rotate` reaches a running
/// server without a restart and nothing is sealed to a retired key.
public final class SealingKeys: Sendable {
    struct Loaded: Sendable {
        var sealer: Sealer
        var index: BlindIndex
        var stamp: FileStamp
    }

    struct FileStamp: Equatable, Sendable {
        var inode: UInt64
        var mtime: Int
        var mtimeNanos: Int
        var size: Int64
    }

    private let keys: KeyDirectory
    private let random: any RandomSource
    private let state: Mutex<Loaded>

    public init(keys: KeyDirectory, random: any RandomSource = SystemRandom()) throws {
        self.keys = keys
        self.random = random
        self.state = Mutex(try Self.load(keys, random: random))
    }

    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(inode: UInt64(info.st_ino), mtime: info.st_mtim.tv_sec, mtimeNanos: info.st_mtim.tv_nsec, size: Int64(info.st_size))
    }

    static func load(_ keys: KeyDirectory, random: any RandomSource) throws -> Loaded {
        let stamp = Self.stamp(keys.publicKeyPath()) ?? FileStamp(inode: 0, mtime: 0, mtimeNanos: 0, size: 0)
        let (publicKey, indexKey) = try keys.loadPublic()
        return Loaded(sealer: Sealer(publicKey: publicKey, random: random), index: BlindIndex(key: indexKey), stamp: stamp)
    }

    /// The current sealer and index; reloads first when `vault.pub` changed on disk.
    func current() -> (sealer: Sealer, index: BlindIndex) {
        let onDisk = Self.stamp(keys.publicKeyPath())
        return state.withLock { loaded in
            if let onDisk, onDisk != loaded.stamp, let fresh = try? Self.load(keys, random: random) {
                loaded = fresh
            }
            return (loaded.sealer, loaded.index)
        }
    }
}

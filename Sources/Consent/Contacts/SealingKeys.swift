import Foundation
import Logging
import Synchronization
import Vault

/// Why the server cannot seal right now; contact requests answer 503 until it is fixed.
public enum SealingKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `vault.pub` holds a key the DPO has not pinned (`vault_key_unpinned`).
    case unpinned(keyID: String)
    /// `vault.pub` changed and cannot be read (`vault_key_unavailable`).
    case unreadable(String)

    public var description: String {
        switch self {
        case .unpinned(let id): "vault.pub holds key \(id), which is not pinned in the database; pin it with `privacyctl keys init` or `privacyctl keys rotate`"
        case .unreadable(let why): "vault.pub cannot be read: \(why)"
        }
    }
}

/// The web-facing process's key material: the public key (seal only) and the blind-index key, read
/// from `vault.pub`. Re-read when the file changes, so a `privacyctl keys rotate` reaches a running
/// server without a restart and nothing is sealed to a retired key.
public final class SealingKeys: Sendable {
    struct Loaded: Sendable {
        var sealer: Sealer
        var index: BlindIndex
        var stamp: FileStamp
        /// Set when the key on disk must not be used; the previous key is never used in its place.
        var refusal: SealingKeyError? = nil
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
    /// Whether a key is pinned; `nil` seals to any key (tests that predate the pin).
    private let isPinned: (@Sendable (VaultPublicKey) -> Bool)?
    private let logger: Logger

    public init(keys: KeyDirectory, random: any RandomSource = SystemRandom(),
                isPinned: (@Sendable (VaultPublicKey) -> Bool)? = nil, logger: Logger = Logger(label: "privacy-engine")) throws {
        self.keys = keys
        self.random = random
        self.isPinned = isPinned
        self.logger = logger
        var loaded = try Self.load(keys, random: random)
        if let isPinned, !isPinned(loaded.sealer.publicKey) { loaded.refusal = .unpinned(keyID: loaded.sealer.publicKey.id.hex) }
        self.state = Mutex(loaded)
    }

    /// Why sealing is refused now, or `nil` when the key in use is fine (for `/healthz`).
    public var refusal: SealingKeyError? {
        do { _ = try current(); return nil } catch let e as SealingKeyError { return e } catch { return .unreadable("\(error)") }
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

    /// The current sealer and index; reloads first when `vault.pub` changed on disk. Throws when
    /// the key on disk is unpinned or unreadable: never falls back to the key it replaced.
    func current() throws -> (sealer: Sealer, index: BlindIndex) {
        let onDisk = Self.stamp(keys.publicKeyPath())
        return try state.withLock { loaded in
            if let onDisk, onDisk != loaded.stamp {
                do {
                    var fresh = try Self.load(keys, random: random)
                    if let isPinned, !isPinned(fresh.sealer.publicKey) {
                        fresh.refusal = .unpinned(keyID: fresh.sealer.publicKey.id.hex)
                        // No personal data: the key id and the file only.
                        logger.error("vault.pub changed to a key that is not pinned; contact requests are refused until it is pinned",
                                     metadata: ["key_id": "\(fresh.sealer.publicKey.id.hex)", "file": "\(keys.publicKeyPath())"])
                    } else if loaded.refusal != nil {
                        logger.notice("vault.pub holds a pinned key again; contact requests are accepted",
                                      metadata: ["key_id": "\(fresh.sealer.publicKey.id.hex)"])
                    }
                    loaded = fresh
                } catch {
                    loaded.stamp = onDisk
                    loaded.refusal = .unreadable("\(error)")
                    logger.error("vault.pub changed and cannot be read; contact requests are refused", metadata: ["file": "\(keys.publicKeyPath())"])
                }
            }
            if let refusal = loaded.refusal { throw refusal }
            return (loaded.sealer, loaded.index)
        }
    }
}

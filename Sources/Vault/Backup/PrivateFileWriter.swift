import Foundation

/// Writes a new file that only its owner can read, in pieces, without ever following a symlink.
///
/// Opened with `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600: an existing file (or a symlink
/// planted at the path) is refused, never overwritten. ``finish()`` fsyncs the file and its folder,
/// so the file and its name are on disk before the caller reports success. A writer dropped
/// without `finish()` removes its partial file.
public final class PrivateFileWriter {
    public let path: String
    private var fd: Int32
    /// Only a file this writer created is ever removed (never one that was there before).
    private var created = false
    private var finished = false

    public init(path: String) throws(VaultError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "already exists (choose another name or remove it first)"
                : errno == ELOOP ? "is a symbolic link; refusing to write through it"
                : String(cString: strerror(errno))
            throw .io(path: path, reason: reason)
        }
        created = true
        fchmod(fd, 0o600)  // whatever the umask says
    }

    public func write(_ bytes: some Collection<UInt8>) throws(VaultError) {
        let chunk = Array(bytes)
        var offset = 0
        while offset < chunk.count {
            let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// fsyncs the file, closes it, and fsyncs its folder (so the new name is durable too).
    public func finish() throws(VaultError) {
        guard fsync(fd) == 0 else { throw .io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        finished = true
        Self.syncFolder(of: path)
    }

    /// Closes and removes the partial file.
    public func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        if created && !finished { unlink(path) }
        finished = true
    }

    deinit { abandon() }

    /// fsyncs the folder that holds `path`, so a new or renamed entry survives a crash.
    public static func syncFolder(of path: String) {
        var folder = (path as NSString).deletingLastPathComponent
        if folder.isEmpty { folder = "." }
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}

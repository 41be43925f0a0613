import Foundation

/// Writes a new file that only its owner can read, in pieces, without ever following a symlink:
/// the one place that opens such a file (``PrivateFile`` writes whole files through it).
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

    /// Creates `path`; an existing path is a ``VaultError/io(path:reason:)`` (what the backup and
    /// restore report).
    public convenience init(path: String) throws(VaultError) {
        do throws(PrivateFileError) {
            try self.init(creating: path)
        } catch {
            throw .io(path: error.path, reason: error.reason)
        }
    }

    /// Creates `path`, which must not exist.
    public init(creating path: String) throws(PrivateFileError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            switch errno {
            case EEXIST: throw .exists(path: path)
            case ELOOP: throw .symbolicLink(path: path)
            default: throw .failed(path: path, reason: String(cString: strerror(errno)))
            }
        }
        created = true
        fchmod(fd, 0o600)  // whatever the umask says
    }

    /// A new temporary file with a random hidden name in the folder of `target`, to be renamed
    /// over it by ``finish(renamingTo:)``.
    public static func temporary(beside target: String) throws(PrivateFileError) -> PrivateFileWriter {
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        var attempt = 0
        while true {
            let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(UInt64.random(in: 0...UInt64.max)).tmp"
            do throws(PrivateFileError) {
                return try PrivateFileWriter(creating: temporary)
            } catch where error.isExisting && attempt < 15 {
                attempt += 1  // the random name exists: draw another
            }
        }
    }

    public func write(_ bytes: some Collection<UInt8>) throws(PrivateFileError) {
        let chunk = Array(bytes)
        var offset = 0
        while offset < chunk.count {
            let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .failed(path: path, reason: "write failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// fsyncs the file, closes it, and fsyncs its folder (so the new name is durable too).
    public func finish() throws(PrivateFileError) {
        guard fsync(fd) == 0 else { throw .failed(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        finished = true
        PrivateFile.syncFolder(of: path)
    }

    /// Finishes the file and renames it to `target` (replacing what is there; a link at `target`
    /// is replaced, never followed). On failure the file is removed.
    public func finish(renamingTo target: String) throws(PrivateFileError) {
        try finish()  // on failure the writer, dropped unfinished, removes the file
        guard rename(path, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw .failed(path: target, reason: reason)
        }
        PrivateFile.syncFolder(of: target)
    }

    /// Closes and removes the partial file.
    public func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        if created && !finished { unlink(path) }
        finished = true
    }

    deinit { abandon() }

    /// fsyncs the folder that holds `path`, so a new or renamed entry survives a crash.
    public static func syncFolder(of path: String) { PrivateFile.syncFolder(of: path) }
}

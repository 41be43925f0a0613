import Foundation

/// Files that hold personal data or records of what happened to it: created 0600 (folders 0700),
/// never through a symlink, fsynced before success is reported.
public enum PrivateFiles {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `bytes` to `path`. A new file is created with O_EXCL; with `replace`, the bytes go to a
    /// new temporary file first, which then takes the place of any earlier one (a rename).
    public static func write(_ bytes: [UInt8], to path: String, replace: Bool = false) throws {
        let target = replace ? path + ".tmp-\(getpid())" : path
        if replace { unlink(target) }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "the file exists already (remove it or choose another name)" : String(cString: strerror(errno))
            throw Failure(path: path, reason: reason)
        }
        fchmod(fd, 0o600)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(target)
            throw Failure(path: path, reason: "short write")
        }
        if replace {
            guard rename(target, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(target)
                throw Failure(path: path, reason: reason)
            }
        }
        syncFolder(of: path)
    }

    /// Creates a new folder readable by its owner only; an existing one is refused.
    public static func makeFolder(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 else {
            let reason = errno == EEXIST ? "it exists already (check and remove it, or choose another folder)" : String(cString: strerror(errno))
            throw Failure(path: path, reason: reason)
        }
        chmod(path, 0o700)
    }

    static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

import Foundation

/// Files that hold personal data or secrets: created by this process alone, mode 0600, never
/// through a symbolic link (someone who can write the folder must not be able to point the
/// answer to a person at another file, or read it).
enum FileOutput {
    /// Writes `data` to a new file at `path` with mode 0600, synced before it returns.
    ///
    /// Without `overwrite`, an existing path (a file, a folder, a symbolic link, even a dangling
    /// one) is refused. With it, the data goes to a new temporary file in the same folder that is
    /// then renamed over `path`: a link at `path` is replaced, never followed, and a reader never
    /// sees half a file. Every command that writes personal data to a file calls this.
    static func writePrivate(_ data: Data, to path: String, overwrite: Bool = false) throws {
        if !overwrite {
            try write(data, toNew: path)
            return
        }
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CommandFailure(.failed, "cannot write \(path): it is a folder; give a file name")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var temporary = ""
        for _ in 0..<16 {
            temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(UInt64.random(in: 0...UInt64.max)).tmp"
            do {
                try write(data, toNew: temporary)
                break
            } catch let failure as CommandFailure where failure.code == .usage {
                continue  // the random name exists: draw another
            }
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure(.failed, "cannot write \(path): \(reason)")
        }
        // The rename itself is durable once the folder is synced.
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    /// Fails early (before any work is done) when `path` exists, as a file, folder or link.
    static func refuseExisting(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            throw CommandFailure(.usage, "\(path) already exists; choose a new file name, or pass --force to replace it")
        }
    }

    /// Creates `path` (O_CREAT|O_EXCL|O_NOFOLLOW, 0600) and writes `data`; an existing path is a
    /// usage error (exit 2) that names `--force`.
    private static func write(_ data: Data, toNew path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST || errno == ELOOP {
                throw CommandFailure(.usage, "\(path) already exists; choose a new file name, or pass --force to replace it")
            }
            throw CommandFailure(.failed, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)  // whatever the umask
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                unlink(path)
                throw CommandFailure(.failed, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            unlink(path)
            throw CommandFailure(.failed, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

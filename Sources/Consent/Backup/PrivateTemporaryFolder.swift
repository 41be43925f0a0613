import Foundation

/// A folder only the owner can enter (0700, `mkdtemp`), beside the database so the plaintext copy
/// never leaves the database's file system; removed with everything in it by ``remove()``.
struct PrivateTemporaryFolder {
    let path: String

    init(besideDatabase database: String, purpose: String) throws {
        var folder = (database as NSString).deletingLastPathComponent
        if folder.isEmpty { folder = "." }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var template = Array("\(folder)/.\(purpose)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ConsentError.storage("cannot make a private temporary folder in \(folder): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        chmod(path, 0o700)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Creates an empty file 0600 (so SQLite never creates it with the umask's mode).
    func createPrivateFile(_ name: String) throws -> String {
        let file = self.file(name)
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConsentError.storage("cannot create \(file): \(String(cString: strerror(errno)))") }
        close(fd)
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

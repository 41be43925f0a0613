import Foundation

/// The key files' bytes on disk, apart from what they mean: a read refuses a file that others may
/// read; a write goes through ``PrivateFile`` (0600, never through a link) into `<name>.tmp`,
/// which is then renamed over the file, so a key file is never half written. `<name>.tmp` is a
/// fixed name so that ``KeyDirectory/destroySecretKeys()`` finds what an interrupted write left.
enum KeyFileStorage {
    /// The file's bytes; a missing file, or one whose mode has any of `forbiddenBits`, is refused.
    static func read(_ file: String, forbiddenBits: UInt16) throws(VaultError) -> [UInt8] {
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT { throw .keyFileMissing(path: file) }
            throw .io(path: file, reason: String(cString: strerror(errno)))
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & forbiddenBits == 0 else { throw .insecurePermissions(path: file, mode: mode) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .io(path: file, reason: "cannot read")
        }
        return [UInt8](data)
    }

    /// Replaces `file` with `bytes`, synced (file and folder) before it returns.
    static func write(_ bytes: [UInt8], to file: String) throws(VaultError) {
        do throws(PrivateFileError) {
            try PrivateFile.replace(file, with: bytes, temporary: temporaryPath(of: file))
        } catch {
            throw .io(path: error.path, reason: error.reason)
        }
    }

    /// Where a write of `file` puts the bytes before the rename.
    static func temporaryPath(of file: String) -> String { file + ".tmp" }

    /// Creates the key folder (0700) when it is missing.
    static func makeFolder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }
}

import Foundation

/// Files that hold secrets or personal data (key files, answers to a person, backups, archive
/// packages, the deletion report): created by this process alone with mode 0600, never through a
/// symbolic link, fsynced (file and folder) before success is reported. Every module writes such
/// files through here (Art. 32(1): confidentiality of processing).
///
/// A new file is opened `O_CREAT | O_EXCL | O_NOFOLLOW`: whatever is at the path already (a file,
/// a folder, a symbolic link, even a dangling one) is refused. To replace a file, the bytes go to a
/// new temporary file beside it first, which is then renamed over it: a link at the path is
/// replaced, never followed, and a reader never sees half a file.
public enum PrivateFile {
    /// Writes `bytes` to a new file at `path`; with `replace`, takes the place of any file there.
    public static func write(_ bytes: some Collection<UInt8>, to path: String, replace: Bool = false) throws(PrivateFileError) {
        if replace {
            try self.replace(path, with: bytes)
        } else {
            try create(path, with: bytes)
        }
    }

    /// Creates `path` (it must not exist) holding `bytes`.
    public static func create(_ path: String, with bytes: some Collection<UInt8>) throws(PrivateFileError) {
        let writer = try PrivateFileWriter(creating: path)
        try writer.write(bytes)
        try writer.finish()
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
    ///
    /// `temporary` fixes the temporary file's name (the key files use `<name>.tmp`, which
    /// `KeyDirectory.shred` knows to look for); a leftover of an interrupted run there is removed
    /// first (`unlink` never follows a link). Without it a new random hidden name is drawn.
    public static func replace(_ path: String, with bytes: some Collection<UInt8>, temporary: String? = nil) throws(PrivateFileError) {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw .folder(path: path) }
        let writer: PrivateFileWriter
        if let temporary {
            unlink(temporary)
            writer = try PrivateFileWriter(creating: temporary)
        } else {
            writer = try PrivateFileWriter.temporary(beside: path)
        }
        try writer.write(bytes)
        try writer.finish(renamingTo: path)
    }

    /// Creates a new folder readable by its owner only (0700); an existing one is refused.
    public static func makeFolder(_ path: String) throws(PrivateFileError) {
        guard mkdir(path, 0o700) == 0 else {
            throw errno == EEXIST ? .folderExists(path: path) : .failed(path: path, reason: String(cString: strerror(errno)))
        }
        chmod(path, 0o700)  // whatever the umask says
    }

    /// fsyncs the folder that holds `path`, so a new or renamed entry survives a crash.
    public static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        sync(folder: folder.isEmpty ? "." : folder)
    }

    /// fsyncs `folder` itself (after entries in it were renamed or removed).
    public static func sync(folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// Why a private file was not written. `reason` is the part after the path, for callers that name
/// the path themselves.
public enum PrivateFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Something (a file, a folder, a dangling link) is at the path of a new file.
    case exists(path: String)
    /// The path of a new file is a symbolic link.
    case symbolicLink(path: String)
    /// The file to replace is a folder.
    case folder(path: String)
    /// The folder to create exists.
    case folderExists(path: String)
    /// The system refused (no space, no permission…).
    case failed(path: String, reason: String)

    public var path: String {
        switch self {
        case .exists(let path), .symbolicLink(let path), .folder(let path), .folderExists(let path), .failed(let path, _): path
        }
    }

    public var reason: String {
        switch self {
        case .exists: "already exists (choose another name or remove it first)"
        case .symbolicLink: "is a symbolic link; refusing to write through it"
        case .folder: "it is a folder; give a file name"
        case .folderExists: "it exists already (check and remove it, or choose another folder)"
        case .failed(_, let reason): reason
        }
    }

    /// Whatever was at the path of a new file (a file, a folder or a link).
    public var isExisting: Bool {
        switch self {
        case .exists, .symbolicLink: true
        default: false
        }
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

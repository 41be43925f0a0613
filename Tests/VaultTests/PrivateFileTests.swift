import Foundation
import Testing
@testable import Vault

/// The one writer of files that hold secrets or personal data (key files, backups, answers,
/// exports, the wind-down's report and archive package).
@Suite("Private files: 0600, never through a symbolic link")
struct PrivateFileTests {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder() }

    func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The error writing a new file at `path` throws (nil when it is written).
    func refusal(writing path: String) -> PrivateFileError? {
        do {
            try PrivateFile.write(Array("new".utf8), to: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("a new file is 0600 and holds exactly the bytes")
    func newFile() throws {
        let path = folder.path + "/answer.json"
        try PrivateFile.write(Array("hello".utf8), to: path)
        #expect(permissions(path) == 0o600)
        #expect(fileBytes(path) == Array("hello".utf8))
    }

    @Test("a new file is refused over a file, a folder, a link and a dangling link; nothing is changed",
          arguments: ["file", "folder", "link", "dangling"])
    func refusesExisting(kind: String) throws {
        let path = folder.path + "/" + kind
        let target = folder.path + "/target"
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        switch kind {
        case "file": _ = FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
        case "folder": try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case "link": try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        default: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder.path + "/nowhere")
        }
        #expect(refusal(writing: path)?.isExisting == true)
        #expect(fileBytes(target) == Array("keep".utf8))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/nowhere"))
    }

    @Test("replace puts a new file in place of a link: the link is replaced, its target untouched")
    func replaceNeverFollows() throws {
        let target = folder.path + "/target"
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        let path = folder.path + "/report.md"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        try PrivateFile.write(Array("report".utf8), to: path, replace: true)
        #expect(!isLink(path))
        #expect(fileBytes(path) == Array("report".utf8))
        #expect(permissions(path) == 0o600)
        #expect(fileBytes(target) == Array("keep".utf8))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("replace refuses a folder at the path")
    func replaceRefusesFolder() throws {
        let path = folder.path + "/out"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: PrivateFileError.folder(path: path)) { try PrivateFile.write(Array("x".utf8), to: path, replace: true) }
    }

    @Test("a fixed temporary name left by an interrupted write (or planted as a link) is removed, not followed")
    func fixedTemporary() throws {
        let target = folder.path + "/target"
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        let path = folder.path + "/vault.key"
        try FileManager.default.createSymbolicLink(atPath: path + ".tmp", withDestinationPath: target)
        try PrivateFile.replace(path, with: Array("key".utf8), temporary: path + ".tmp")
        #expect(fileBytes(path) == Array("key".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        #expect(fileBytes(target) == Array("keep".utf8))
    }

    @Test("a private folder is 0700 and an existing one is refused")
    func folders() throws {
        let path = folder.path + "/archive"
        try PrivateFile.makeFolder(path)
        #expect(permissions(path) == 0o700)
        #expect(throws: PrivateFileError.folderExists(path: path)) { try PrivateFile.makeFolder(path) }
    }
}

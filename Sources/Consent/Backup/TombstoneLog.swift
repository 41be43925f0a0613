import Foundation
import Vault

/// The tombstone file: one JSON object per line, appended (`O_APPEND`), fsynced before the erasure or
/// purge reports success, kept beside, not in, the database so it outlives the loss of the file.
///
/// Each line carries `seq` and `prev`, the BLAKE2b-256 of the previous line: a line removed, changed
/// or reordered breaks the chain; a last line cut short by a crash (no newline, or not JSON) is
/// ignored and reported. Writers serialise through an exclusive `flock`, so `serve`'s purge and a
/// DPO's erasure never interleave.
public struct TombstoneLog: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static let defaultFileName = "tombstones.log"
    static let zeroHash = String(repeating: "0", count: 64)

    /// Where the newest line stands: what a backup's manifest records.
    public struct Head: Codable, Sendable, Equatable {
        public var count: Int64
        /// BLAKE2b-256 (hex) of line `count`; `null` for an empty file.
        public var hash: String?

        enum CodingKeys: String, CodingKey { case count, hash }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(hash, forKey: .hash)
        }
    }

    /// The file as read: the lines that verify, and how many trailing torn lines were ignored.
    public struct Contents: Sendable {
        public var entries: [Tombstone]
        public var hashes: [String]
        public var ignoredTornLines: Int
        public var head: Head { Head(count: entries.last?.seq ?? 0, hash: hashes.last) }
    }

    public enum Failure: Error, CustomStringConvertible {
        case io(String, String)
        case broken(String, line: Int, problem: String)
        public var description: String {
            switch self {
            case .io(let path, let reason): "tombstone file \(path): \(reason)"
            case .broken(let path, let line, let problem):
                "tombstone file \(path) does not verify at line \(line): \(problem); it was altered, restore it from a copy"
            }
        }
    }

    /// Creates the file (0600, and fsyncs its folder) if it does not exist, and checks it can be appended to.
    public func prepare() throws {
        let fd = try openForAppend()
        close(fd)
    }

    /// Appends `tombstone` with the next `seq` and `prev`, and fsyncs it. Returns the line as written.
    @discardableResult
    public func append(_ tombstone: Tombstone) throws -> Tombstone {
        let fd = try openForAppend()
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw Failure.io(path, "cannot lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        let existing = try readAll(fd)
        let contents = try Self.parse(existing, path: path)
        var entry = tombstone
        entry.seq = contents.head.count + 1
        entry.prev = contents.head.hash ?? Self.zeroHash
        let line = try JSONEncoder.sorted.encode(entry)
        // A torn last line (crash mid-write) is closed first, so the new line starts on its own.
        var bytes = existing.last.map { $0 == 10 ? [] : [UInt8(10)] } ?? []
        bytes += [UInt8](line) + [10]
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure.io(path, "append failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
        guard fsync(fd) == 0 else { throw Failure.io(path, "fsync failed: \(String(cString: strerror(errno)))") }
        return entry
    }

    /// Reads and verifies the file; a missing file reads as empty.
    public func read() throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents(entries: [], hashes: [], ignoredTornLines: 0) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw Failure.io(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        return try Self.parse(try readAll(fd), path: path)
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    static func parse(_ bytes: [UInt8], path: String) throws -> Contents {
        var contents = Contents(entries: [], hashes: [], ignoredTornLines: 0)
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        for (i, raw) in lines.enumerated() {
            let complete = i < lines.count - 1  // the last piece has no newline after it
            if raw.isEmpty { continue }
            guard complete, let entry = try? decoder.decode(Tombstone.self, from: Data(raw)) else {
                // Torn by a crash: ignored when nothing valid follows it (checked below).
                contents.ignoredTornLines += 1
                continue
            }
            if contents.ignoredTornLines > 0 && entry.seq != (contents.entries.last?.seq ?? 0) + 1 {
                throw Failure.broken(path, line: i + 1, problem: "sequence \(entry.seq) after a damaged line")
            }
            let expectedSeq = (contents.entries.last?.seq ?? 0) + 1
            guard entry.seq == expectedSeq else {
                throw Failure.broken(path, line: i + 1, problem: "sequence \(entry.seq), expected \(expectedSeq)")
            }
            guard entry.prev == (contents.hashes.last ?? zeroHash) else {
                throw Failure.broken(path, line: i + 1, problem: "its prev hash does not match the line before")
            }
            contents.entries.append(entry)
            contents.hashes.append(Digest.hex(Digest.blake2b(Array(raw))))
        }
        return contents
    }

    private func openForAppend() throws -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        var fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 {
            fchmod(fd, 0o600)
            fsync(fd)
            PrivateFileWriter.syncFolder(of: path)  // the new name survives a crash
            return fd
        }
        guard errno == EEXIST else { throw Failure.io(path, String(cString: strerror(errno))) }
        fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw Failure.io(path, errno == ELOOP ? "is a symbolic link; refusing to write through it" : String(cString: strerror(errno)))
        }
        return fd
    }

    private func readAll(_ fd: Int32) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure.io(path, String(cString: strerror(errno))) }
            if n == 0 { return out }
            out += buffer[0..<n]
            offset += off_t(n)
        }
    }
}

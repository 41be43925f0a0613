import Foundation

/// Backup files on disk: sealed from a plaintext file, opened into a private file, in chunks, so
/// memory stays flat whatever the database's size.
public enum BackupFile {
    /// Encrypts the file at `plainPath` into a new file at `outPath` (0600, `O_EXCL|O_NOFOLLOW`,
    /// fsynced with its folder). Needs only the public key. Returns the size of the file written.
    @discardableResult
    public static func seal(plainPath: String, to outPath: String, publicKey: VaultPublicKey, manifest: [UInt8],
                            random: any RandomSource = SystemRandom()) throws -> Int {
        let input = try Reader(path: plainPath)
        let stream = try BackupSealingStream(publicKey: publicKey, manifest: manifest, random: random)
        let out = try PrivateFileWriter(path: outPath)
        var written = 0
        do {
            let header = stream.header.bytes
            try out.write(header)
            written += header.count
            var chunk = try input.read(BackupSealingStream.chunkBytes)
            while true {
                // Look ahead one chunk, so the last one with data carries the FINAL tag.
                let next = chunk.count < BackupSealingStream.chunkBytes ? [] : try input.read(BackupSealingStream.chunkBytes)
                let final = next.isEmpty
                let sealed = try stream.seal(chunk, final: final)
                try out.write(sealed)
                written += sealed.count
                if final { break }
                chunk = next
            }
            try out.finish()
        } catch {
            out.abandon()
            throw error
        }
        return written
    }

    /// The clear header of a backup file (manifest, key id), without opening anything.
    public static func header(at path: String) throws -> BackupHeader {
        let input = try Reader(path: path)
        return try BackupHeader.parse(input.read)
    }

    /// Opens the backup at `path` with `keyPair` and writes its payload to `out`; throws
    /// (`authenticationFailed`, `malformed`, `keyMismatch`) at the first byte that does not verify,
    /// including a missing FINAL chunk (a cut-off file) and bytes after it. The caller removes `out`
    /// on failure.
    @discardableResult
    public static func open(at path: String, keyPair: VaultKeyPair, into out: PrivateFileWriter) throws -> BackupHeader {
        let input = try Reader(path: path)
        let header = try BackupHeader.parse(input.read)
        let stream = try BackupOpeningStream(header: header, keyPair: keyPair)
        while true {
            let prefix = try input.read(4)
            if prefix.isEmpty { break }
            guard prefix.count == 4 else { throw VaultError.malformed("backup file (cut off inside a chunk length)") }
            let length = prefix.reduce(0) { $0 << 8 | Int($1) }
            guard length <= BackupOpeningStream.maxChunkCipherBytes else {
                throw VaultError.malformed("backup file (chunk length \(length))")
            }
            let cipher = try input.read(length)
            guard cipher.count == length else { throw VaultError.malformed("backup file (cut off inside a chunk)") }
            var plain = try stream.open(cipher)
            defer { plain.wipe() }
            try out.write(plain)
        }
        guard stream.sawFinal else { throw VaultError.malformed("backup file (cut off: the final chunk is missing)") }
        return header
    }

    /// A plain buffered reader over a file descriptor (no symlink followed for what we open).
    final class Reader {
        let path: String
        private let fd: Int32

        init(path: String) throws(VaultError) {
            self.path = path
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw .io(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
            }
        }

        deinit { close(fd) }

        /// Exactly `count` bytes, or fewer only at the end of the file.
        func read(_ count: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, count - got) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw VaultError.io(path: path, reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                got += n
            }
            if got < count { out.removeLast(count - got) }
            return out
        }
    }
}

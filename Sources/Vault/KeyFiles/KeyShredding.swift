import Foundation

extension KeyDirectory {
    /// Crypto-shredding: overwrites the secret key files (`vault.key`, `vault.key.next` and any
    /// temporary copy a write left behind) with zeros, fsyncs them, unlinks them and fsyncs the
    /// folder. `vault.pub` stays (it opens nothing); an unfinished rotation's `vault.pub.next` goes.
    ///
    /// Overwriting reaches the blocks the file system reuses in place (ext4, xfs); on copy-on-write
    /// or flash storage old blocks may survive, which is why the key was wrapped with the
    /// passphrase in the first place. Returns the files destroyed (names only).
    public func destroySecretKeys() throws -> [String] {
        let candidates = [
            secretKeyPath(), secretKeyPath(suffix: Self.nextGeneration),
            KeyFileStorage.temporaryPath(of: secretKeyPath()), KeyFileStorage.temporaryPath(of: secretKeyPath(suffix: Self.nextGeneration)),
            publicKeyPath(suffix: Self.nextGeneration), KeyFileStorage.temporaryPath(of: publicKeyPath(suffix: Self.nextGeneration)),
        ]
        var destroyed: [String] = []
        for file in candidates {
            let fd = open(file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { continue }
                throw VaultError.io(path: file, reason: String(cString: strerror(errno)))
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                close(fd)
                throw VaultError.io(path: file, reason: String(cString: strerror(errno)))
            }
            let zeros = [UInt8](repeating: 0, count: Int(info.st_size))
            let written = zeros.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd)
            close(fd)
            guard written == zeros.count, synced == 0 else { throw VaultError.io(path: file, reason: "could not overwrite") }
            guard unlink(file) == 0 else { throw VaultError.io(path: file, reason: String(cString: strerror(errno))) }
            destroyed.append((file as NSString).lastPathComponent)
        }
        PrivateFile.sync(folder: path)
        return destroyed
    }
}

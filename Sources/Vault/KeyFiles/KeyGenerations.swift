import Foundation

/// The rotation state on disk: a rotation writes the new pair as a second generation of files
/// beside the live one (`vault.pub.next`, `vault.key.next`), re-seals every record, then promotes
/// it. Whether a `.next` generation exists is all the state a resumed rotation needs.
extension KeyDirectory {
    /// The suffix of the generation a rotation writes before it is promoted.
    public static let nextGeneration = ".next"

    /// Moves the ".next" generation over the live one (the last step of a rotation).
    ///
    /// The public file goes first: from then on a server seals to the new key, whose secret exists
    /// (still as `vault.key.next` if the process dies before the second rename). A file already
    /// moved by an interrupted run is skipped, so running this again finishes the swap.
    public func promote(suffix: String) throws {
        for (from, to) in [(publicKeyPath(suffix: suffix), publicKeyPath()), (secretKeyPath(suffix: suffix), secretKeyPath())] {
            guard FileManager.default.fileExists(atPath: from) else { continue }
            guard rename(from, to) == 0 else {
                throw VaultError.io(path: to, reason: String(cString: strerror(errno)))
            }
        }
        PrivateFile.sync(folder: path)
    }
}

import Foundation
import Vault

/// Files that hold personal data or secrets, written through Vault's ``PrivateFile`` (0600, never
/// through a symbolic link); here only the CLI's answer when one is refused: an existing path is
/// bad usage (exit 2) that names `--force`.
enum FileOutput {
    /// Writes `data` to a new file at `path` with mode 0600, synced before it returns.
    ///
    /// Without `overwrite`, an existing path (a file, a folder, a symbolic link, even a dangling
    /// one) is refused. With it, the data goes to a new temporary file in the same folder that is
    /// then renamed over `path`: a link at `path` is replaced, never followed, and a reader never
    /// sees half a file. Every command that writes personal data to a file calls this.
    static func writePrivate(_ data: Data, to path: String, overwrite: Bool = false) throws {
        do throws(PrivateFileError) {
            try PrivateFile.write(data, to: path, replace: overwrite)
        } catch where error.isExisting {
            throw CommandFailure(.usage, refusal(path))
        } catch {
            throw CommandFailure(.failed, error.description)
        }
    }

    /// Fails early (before any work is done) when `path` exists, as a file, folder or link.
    static func refuseExisting(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 { throw CommandFailure(.usage, refusal(path)) }
    }

    private static func refusal(_ path: String) -> String {
        "\(path) already exists; choose a new file name, or pass --force to replace it"
    }
}

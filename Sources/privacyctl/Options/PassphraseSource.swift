import Foundation
import Vault

/// Where a key passphrase comes from, in this order: a file (mode 0600, refused when others may
/// read it), the PRIVACY_PASSPHRASE variable, or a no-echo prompt on a terminal. The bytes go
/// straight into a ``Passphrase`` (guarded memory) and are wiped.
struct PassphraseSource {
    /// `--passphrase-file`.
    var file: String?
    var environment: [String: String]
    /// The key file the prompt names.
    var promptLabel: String

    func read(confirm: Bool = false) throws -> Passphrase {
        var bytes: [UInt8]
        if let file {
            var info = stat()
            guard stat(file, &info) == 0 else { throw CommandFailure(.usage, "cannot read the passphrase file \(file)") }
            if info.st_mode & 0o007 != 0 {
                throw CommandFailure(.failed, "\(file) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(file)`")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure(.usage, "cannot read the passphrase file \(file)") }
            bytes = [UInt8](data)
        } else if let value = environment["PRIVACY_PASSPHRASE"], !value.isEmpty {
            bytes = Array(value.utf8)
        } else if isatty(STDIN_FILENO) == 1 {
            bytes = try Prompt.secret("Passphrase for \(promptLabel): ")
            if confirm {
                var again = try Prompt.secret("Repeat the passphrase: ")
                defer { again.wipe() }
                guard again == bytes else { throw CommandFailure(.usage, "the two passphrases differ") }
            }
        } else {
            throw CommandFailure(.usage, "no passphrase: set PRIVACY_PASSPHRASE, pass --passphrase-file FILE, or run on a terminal to be asked")
        }
        let passphrase = try Passphrase(wiping: &bytes)
        if passphrase.isEmpty { throw CommandFailure(.usage, "the passphrase is empty") }
        return passphrase
    }
}

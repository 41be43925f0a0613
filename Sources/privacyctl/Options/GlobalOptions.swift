import ArgumentParser
import Consent
import Foundation
import Vault

/// Where the engine's files are. Shared by every command; each option also reads its variable.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file (env PRIVACY_DATABASE).", valueName: "path"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("The policy file (env PRIVACY_POLICY).", valueName: "path"))
    var policy: String?

    @Option(name: .customLong("key-dir"), help: ArgumentHelp("The folder with vault.pub and vault.key (env PRIVACY_KEY_DIR).", valueName: "dir"))
    var keyDir: String?

    @Option(name: .customLong("passphrase-file"),
            help: ArgumentHelp("Read the key passphrase from this file (mode 0600); else PRIVACY_PASSPHRASE, else a prompt.", valueName: "file"))
    var passphraseFile: String?

    @Option(name: .long, help: ArgumentHelp("The tombstone file erasures and purges append to (env PRIVACY_TOMBSTONES; default tombstones.log beside the database).", valueName: "path"))
    var tombstones: String?

    static let defaultDatabase = "./data/privacy.sqlite"
    static let defaultPolicy = "policies/leinefelde-suedstadt.yaml"
    static let defaultKeyDir = "./data/keys"

    private var env: [String: String] { ProcessInfo.processInfo.environment }

    var databasePath: String { database ?? env["PRIVACY_DATABASE"].nonEmpty ?? Self.defaultDatabase }
    var policyPath: String { policy ?? env["PRIVACY_POLICY"].nonEmpty ?? Self.defaultPolicy }
    var tombstoneLog: TombstoneLog {
        TombstoneLog(path: tombstones ?? env["PRIVACY_TOMBSTONES"].nonEmpty
            ?? ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(TombstoneLog.defaultFileName))
    }
    var keyDirectory: KeyDirectory { KeyDirectory(path: keyDir ?? env["PRIVACY_KEY_DIR"].nonEmpty ?? Self.defaultKeyDir) }

    func clock() throws -> any WallClock { try ClockSelection.fromEnvironment() }

    func loadPolicy() throws -> Policy { try PolicyParser.load(path: policyPath) }

    /// Opens the database, creating and migrating it when needed.
    func openStore(busyTimeout: Double = PrivacyDatabase.defaultBusyTimeout) throws -> PrivacyDatabase {
        do {
            return try PrivacyDatabase(path: databasePath, busyTimeout: busyTimeout)
        } catch {
            throw Failure(.failed, "cannot open the database \(databasePath): \(error)")
        }
    }

    /// Opens an existing database; a missing file is an error (reading commands never create one).
    func openExistingStore() throws -> PrivacyDatabase {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw Failure(.failed, "no database at \(databasePath); create it with `privacyctl init` or pass --database")
        }
        return try openStore()
    }

    /// The passphrase, from --passphrase-file, PRIVACY_PASSPHRASE or a no-echo prompt, in that order.
    func passphrase(confirm: Bool = false) throws -> Passphrase {
        var bytes: [UInt8]
        if let file = passphraseFile {
            var info = stat()
            guard stat(file, &info) == 0 else { throw Failure(.usage, "cannot read the passphrase file \(file)") }
            if info.st_mode & 0o007 != 0 {
                throw Failure(.failed, "\(file) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(file)`")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw Failure(.usage, "cannot read the passphrase file \(file)") }
            bytes = [UInt8](data)
        } else if let value = env["PRIVACY_PASSPHRASE"], !value.isEmpty {
            bytes = Array(value.utf8)
        } else if isatty(STDIN_FILENO) == 1 {
            bytes = try Prompt.secret("Passphrase for \(keyDirectory.secretKeyPath()): ")
            if confirm {
                var again = try Prompt.secret("Repeat the passphrase: ")
                defer { again.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
                guard again == bytes else { throw Failure(.usage, "the two passphrases differ") }
            }
        } else {
            throw Failure(.usage, "no passphrase: set PRIVACY_PASSPHRASE, pass --passphrase-file FILE, or run on a terminal to be asked")
        }
        let passphrase = try Passphrase(wiping: &bytes)
        if passphrase.isEmpty { throw Failure(.usage, "the passphrase is empty") }
        return passphrase
    }

    /// The key pair, unwrapped with the passphrase: only the DPO's commands call this.
    func keyPair() throws -> VaultKeyPair {
        try keyDirectory.loadKeyPair(passphrase: passphrase())
    }

    /// The blind index (from vault.pub), to name subjects in the audit log by a keyed hash.
    func blindIndex() throws -> BlindIndex {
        BlindIndex(key: try keyDirectory.loadPublic().indexKey)
    }
}

/// `--json` for reading commands: JSON on stdout only.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON on stdout (for scripts) instead of a table.")
    var json = false
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}

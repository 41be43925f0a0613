import ArgumentParser
import Consent
import Foundation
import Vault

/// Where the engine's files are. Shared by every command; each option also reads its variable.
/// The secrets those files hold are reached through `GlobalOptions+Keys.swift`.
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
            throw CommandFailure(.failed, "cannot open the database \(databasePath): \(error)")
        }
    }

    /// Opens an existing database; a missing file is an error (reading commands never create one).
    func openExistingStore() throws -> PrivacyDatabase {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CommandFailure(.failed, "no database at \(databasePath); create it with `privacyctl init` or pass --database")
        }
        return try openStore()
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}

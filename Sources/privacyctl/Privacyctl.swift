import ArgumentParser
import Foundation

/// `privacyctl`: the data protection officer's tool, and the server.
@main
struct Privacyctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacyctl",
        abstract: "The GDPR consent and privacy engine: the DPO's tool and the website's server.",
        discussion: """
            Answer a person's requests and keep the data lawful:
              privacyctl consent show ID              what a visitor chose (banner id)
              privacyctl consent revoke ID            withdraw it for the person
              privacyctl export --email A --out F     Art. 15 / Art. 20 answer
              privacyctl erase --email A              Art. 17 erasure (file and WAL)
              privacyctl purge --dry-run              what retention would delete today
              privacyctl audit verify                 prove no entry was edited
              privacyctl request open --type access   register a request; its deadline
              privacyctl audit checkpoint --out F     sign today's heads (daily)

            Set up and run:
              privacyctl init                         database and key pair
              privacyctl serve                        the website's API on 127.0.0.1:8080
              privacyctl backup --out F               an encrypted backup
              privacyctl restore F                    erases again what was erased since

            Every command reads --database (PRIVACY_DATABASE, default ./data/privacy.sqlite), --policy (PRIVACY_POLICY, default policies/leinefelde-suedstadt.yaml) and --key-dir (PRIVACY_KEY_DIR, default ./data/keys). The passphrase comes from PRIVACY_PASSPHRASE, --passphrase-file or a prompt. PRIVACY_NOW=<ISO-8601 instant> fixes the clock (drills).

            Exit codes: 0 ok · 1 operation failed · 2 bad usage or input · 3 not found · 4 integrity failure (chain broken, wrong passphrase or key).
            """,
        version: "1.0.0",
        subcommands: [
            InitCommand.self, KeysCommand.self, ServeCommand.self, PolicyCommand.self,
            ConsentCommand.self, ContactsCommand.self, ExportCommand.self, EraseCommand.self,
            PurgeCommand.self, AuditCommand.self, HoldCommand.self,
            RequestCommand.self,
            BackupCommand.self, RestoreCommand.self,
            ReceiptCommand.self,
            WindDownCommand.self, ProgrammeCommand.self,
        ]
    )

    /// Runs the command and maps every failure to the contract's exit codes (ArgumentParser's own
    /// usage errors become 2, not 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let outcome = CommandFailure.outcome(for: error)
            switch outcome {
            case .parser:
                if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version: exit 0
                if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(CommandFailure.Code.usage.rawValue)
            case .failure(let code, let message):
                Output.note("privacyctl: error: \(message)")
                Foundation.exit(code.rawValue)
            }
        }
    }
}

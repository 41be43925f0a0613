import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl backup --out FILE` and `privacyctl backup --prune DIR --keep P30D`
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an encrypted, consistent copy of the database; delete backups older than allowed.",
        usage: "privacyctl backup [<options>] --out <file>\nprivacyctl backup [<options>] --prune <dir> --keep <duration>",
        discussion: """
            The copy is taken with SQLite's online backup while `privacyctl serve` keeps writing, and encrypted to vault.pub, so making it needs no passphrase and a stolen copy reveals nothing. The file (mode 0600) starts with a manifest in clear text: time, entry counts, highest sequence numbers, the tombstone file's head, the newest checkpoint; no personal data. `--json` prints the manifest, with `file` added (and `pruned` with --prune). The format is described byte by byte in docs/backups.md.

            A backup still holds personal data that later erasures and purges remove from the database: `privacyctl restore` re-applies them from the tombstone file, and `--prune DIR --keep DURATION` deletes backups older than your retention of backups allows (Art. 5(1)(e)), listing what it deleted.

            Examples:
              privacyctl backup --out /srv/backups/privacy-2025-01-31.pvbk
              privacyctl backup --prune /srv/backups --keep P30D --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Where to write the backup (a new file; an existing one is refused).", valueName: "file"))
    var out: String?
    @Option(help: ArgumentHelp("A folder of backups to delete old ones from (needs --keep).", valueName: "dir"))
    var prune: String?
    @Option(help: ArgumentHelp("How long backups are kept, an ISO-8601 duration such as P30D (with --prune).", valueName: "duration"))
    var keep: String?

    func validate() throws {
        guard out != nil || prune != nil else { throw ValidationError("say what to do: --out FILE to make a backup, --prune DIR --keep P30D to delete old ones") }
        guard (prune == nil) == (keep == nil) else { throw ValidationError("--prune DIR and --keep DURATION go together") }
        if let keep, ISODuration(keep) == nil { throw ValidationError("--keep must be an ISO-8601 duration such as P30D or P6M") }
    }

    /// `--json`: the manifest's own fields at the top level (as the contract says), plus `file`
    /// and, with --prune, `pruned`.
    struct Result: Encodable {
        var file: String?
        var manifest: BackupManifest?
        var pruned: PruneReport?

        enum CodingKeys: String, CodingKey { case file, pruned }

        func encode(to encoder: any Encoder) throws {
            try manifest?.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(file, forKey: .file)
            try c.encodeIfPresent(pruned, forKey: .pruned)
        }
    }

    func run() async throws {
        var result = Result()
        let clock = try global.clock()
        if let out {
            let store = try global.openExistingStore()
            let publicKey = try global.keyDirectory.loadPublic().publicKey
            result.file = out
            result.manifest = try await DatabaseBackup(store: store, tombstones: global.tombstoneLog, clock: clock)
                .write(to: out, publicKey: publicKey)
        }
        if let prune, let keep, let duration = ISODuration(keep) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = (try? global.loadPolicy().calendar.timeZone) ?? TimeZone(identifier: "UTC")!
            let report = try BackupPruning.prune(folder: prune, keep: duration, now: clock.now(), calendar: calendar)
            result.pruned = report
            if FileManager.default.fileExists(atPath: global.databasePath) {
                let store = try global.openExistingStore()
                try await BackupPruning.record(report, at: clock.now(), in: store)
            }
        }
        if output.json { return try Output.json(result) }
        if let file = result.file, let m = result.manifest {
            Output.line("wrote \(file): backup of \(m.createdAt), sealed to key \(m.keyID)")
            Output.line("  \(m.database.consentLedgerEntries) ledger entries (up to #\(m.database.consentLedgerMaxSeq)), \(m.database.contactRequests) contact requests, \(m.database.auditLogEntries) audit entries (up to #\(m.database.auditLogMaxSeq)), \(m.tombstones.count) tombstones before it")
        }
        if let p = result.pruned {
            Output.line("pruned \(p.folder): \(p.deleted.count) backups made before \(p.deletedIfBefore) deleted, \(p.kept) kept")
            for d in p.deleted { Output.line("  deleted \(d.file) (\(d.createdAt))") }
        }
    }
}

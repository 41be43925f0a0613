import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl restore FILE [--force]`
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Write the database from a backup, then erase and purge again what was deleted after it.",
        usage: "privacyctl restore [<options>] <file>",
        discussion: """
            Needs the secret key (the passphrase). Every chunk of the file is verified before anything is written at the database's path: a file that does not decrypt or verify (altered, cut off, sealed to another key) exits 4 and changes nothing. An existing database is refused (exit 2) unless --force; stop `privacyctl serve` before restoring over it.

            Then every tombstone newer than the backup is re-applied (erasures by the person's keyed hashes, purges by rule and cut-off) before the database is used, so a person erased after the backup stays erased. The restore is recorded in the audit log with the sizes of the backup and of the database it replaced: entries beyond the backup are lost, and a checkpoint that covered them no longer matches.

            Examples:
              privacyctl restore /srv/backups/privacy-2025-01-31.pvbk
              privacyctl restore /srv/backups/privacy-2025-01-31.pvbk --force --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The backup file (made by `privacyctl backup`).", valueName: "file")) var file: String
    @Flag(help: "Replace an existing database.") var force = false

    func run() async throws {
        let restore = DatabaseRestore(databasePath: global.databasePath, tombstones: global.tombstoneLog,
                                      index: try global.blindIndex(), clock: try global.clock())
        guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure(.notFound, "no backup file at \(file)") }
        _ = try DatabaseRestore.manifest(of: file)
        try restore.checkTarget(force: force)
        let report = try await restore.run(backup: file, keyPair: try global.keyPair(), force: force)
        if output.json { return try Output.json(report) }
        let m = report.manifest
        Output.line("restored \(report.database) from the backup of \(m.createdAt) (\(m.database.consentLedgerEntries) ledger entries, \(m.database.contactRequests) contact requests)")
        if let r = report.replaced {
            Output.line("replaced a database with ledger entries up to #\(r.consentLedgerMaxSeq) and audit entries up to #\(r.auditLogMaxSeq): \(report.ledgerEntriesLost) ledger and \(report.auditEntriesLost) audit entries newer than the backup are lost")
        }
        if report.reapplied.isEmpty {
            Output.line("no tombstone newer than the backup in \(report.tombstoneFile)")
        } else {
            Output.line("re-applied \(report.reapplied.count) tombstones from \(report.tombstoneFile) (\(report.tombstoneSelection)):")
            Output.table(["#", "at", "kind", "subject / rules", "contacts deleted", "consent entries redacted", "audit deleted", "held"],
                         report.reapplied.map { t in
                [String(t.seq), t.at, t.kind.rawValue, t.subject.map { String($0.prefix(12)) + "…" } ?? (t.rules ?? []).joined(separator: ","),
                 String(t.contactRequestsDeleted), String(t.consentEntriesRedacted), String(t.auditEntriesDeleted), String(t.heldByLegalHold)]
            })
        }
        if report.tombstonesIgnoredTorn > 0 { Output.note("note: \(report.tombstonesIgnoredTorn) torn tombstone line(s) (cut short by a crash) were ignored") }
        Output.line("recorded as audit entry #\(report.auditSequence)")
    }
}

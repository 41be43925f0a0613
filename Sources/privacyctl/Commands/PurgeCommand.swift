import ArgumentParser
import Consent

/// `privacyctl purge [--dry-run]`
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Apply the policy's retention rules as of now (or PRIVACY_NOW).",
        usage: "privacyctl purge [<options>]",
        discussion: """
            Deletes or anonymises every record whose retention period is over, in batches; safe to interrupt and run again. Records under a hold are kept and reported. Afterwards the WAL is emptied so deleted bytes are gone. --dry-run reports the same counts and changes nothing. `privacyctl serve` also runs this once a day.

            A drill: what would be deleted on 1 January 2025:
              PRIVACY_NOW=2025-01-01T00:00:00+01:00 privacyctl purge --dry-run
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .customLong("dry-run"), help: "Count what is due; change nothing.") var dryRun = false
    @Flag(name: .customLong("archive-offered"), help: "Confirm that the records were offered to the public archive (when the policy asks for it).")
    var archiveOffered = false

    func run() async throws {
        let policy = try global.loadPolicy()
        let store = try global.openExistingStore()
        await RequestWarnings.emit(global, store: store)
        await HoldWarnings.emit(global, store: store)
        let progress = ProgressReporter()
        let report = try await Retention(store: store, policy: policy, clock: try global.clock(), tombstones: global.tombstoneLog)
            .run(dryRun: dryRun, archiveOffered: archiveOffered) { rule, done, total in progress.update(rule, done, total) }
        progress.finish()
        await AuditSigning.staleCheckpointWarning(global, store: store)
        if output.json { return try Output.json(report) }
        Output.line("\(dryRun ? "dry run" : "purge") as of \(report.asOf), policy \(report.policyVersion)")
        Output.table(["rule", "data", "action", "due", dryRun ? "would be done" : "done", "held"], report.rules.map { o in
            [o.rule, o.data, o.action, String(o.due), String(dryRun ? o.due : o.done),
             o.held.isEmpty ? "0" : o.held.keys.sorted().map { "\(o.held[$0]!) (\($0))" }.joined(separator: ", ")]
        })
        if !dryRun && !report.walTruncated {
            throw CommandFailure(.failed, "records were purged, but the WAL could not be emptied while other connections read; run the purge again shortly")
        }
    }
}

import ArgumentParser
import Consent
import Foundation

/// `privacyctl audit checkpoint [--out FILE] [--json]`
struct AuditCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the heads of the consent ledger and the audit log with audit.key, and store the checkpoint.",
        usage: "privacyctl audit checkpoint [<options>]",
        discussion: """
            A checkpoint is a C2SP tlog-checkpoint in a C2SP signed note (format in docs/transparency-log.md). Keep a copy where whoever holds the database cannot reach it (--out, then mail or print it): `privacyctl audit verify --checkpoint FILE` later proves that the history it covers was not rewritten. The server cannot sign; make one every day (the policy's audit.checkpoint_max_age says how old the newest may be before the DPO's commands warn). Prints when the previous checkpoint was made.

            Example:
              privacyctl audit checkpoint --out checkpoint-$(date +%F).txt
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: ArgumentHelp("Also write the checkpoint to this new file (mode 0600; refuses an existing file).", valueName: "file"))
    var out: String?

    func run() async throws {
        if let out, FileManager.default.fileExists(atPath: out) {
            throw CommandFailure(.usage, "\(out) already exists; choose a new file name (a checkpoint file is never overwritten)")
        }
        let policy = try global.loadPolicy()
        let store = try global.openExistingStore()
        let (key, name) = try AuditSigning.load(global, passphrase: try global.passphrase())
        let (record, previous) = try await CheckpointLog(store: store)
            .sign(origin: policy.checkpointOrigin, key: key, keyName: name, at: try global.clock().now())
        if let out { try FileOutput.writePrivate(Data(record.note.utf8), to: out) }
        let since = previous.map { "previous checkpoint: \(Timestamp.format($0.created)) (ledger size \($0.treeSize), audit log size \($0.auditLogSize))" }
            ?? "this is the first checkpoint"
        if output.json {
            Output.note(since)
            return try Output.json(record.summary)
        }
        Output.line(record.note, terminator: "")
        Output.note(since)
        if let out { Output.note("written to \(out)") }
    }
}

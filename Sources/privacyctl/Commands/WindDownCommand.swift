import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl wind-down`: the programme's end, carried out.
struct WindDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wind-down",
        abstract: "Carry out the programme's end: stock-take, statistics, archive offer, purge, deletion report.",
        discussion: """
            Runs, in order and resumably, what the policy says happens after the programme's end. 1: a stock-take of what is still held; open requests and holds stop the run until the policy's grace period (wind_down.grace) after the end has passed or they are released. 2: anonymous statistics for the funder (counts only, fewer than 5 shown as "< 5"), taken before anything is deleted and written beside the report. 3: the archive offer: when the policy offers records to the public archive (archive.offer), the run stops until the archive's decision is recorded with `privacyctl wind-down archive`; what the archive takes is exported as a package (decrypted, with a manifest and SHA-256 checksums) before the purge. 4: the purge. 5: the deletion report (--out, Markdown or HTML by the extension; German unless --lang en), signed with audit.key when present.

            Each completed step is recorded in the database and the audit log: run the command again after a stop and it goes on from there; after the end it only issues the report again (e.g. after `privacyctl keys destroy`). The contact data is sealed, so the statistics and the archive package need the secret key's passphrase. --dry-run reports what the run would do and changes nothing.

            Examples:
              PRIVACY_NOW=2025-02-01T00:00:00+01:00 privacyctl wind-down --dry-run
              privacyctl wind-down --out loeschbericht.md
              privacyctl wind-down archive --decision declined --reference "StA 0815/2025"
            """,
        subcommands: [WindDownRunCommand.self, WindDownArchiveCommand.self],
        defaultSubcommand: WindDownRunCommand.self)
}

struct WindDownRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the wind-down from where it stopped (the default).",
        usage: "privacyctl wind-down run [<options>]")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .customLong("dry-run"), help: "Report what the run would do; change nothing.") var dryRun = false
    @Option(help: ArgumentHelp("Write the deletion report here (.md Markdown, .html HTML); the statistics go beside it (<name>.statistics.<ext>).", valueName: "report"))
    var out: String?
    @Option(help: "The report's language: de (default) or en.") var lang = "de"
    @Option(name: .customLong("archive-dir"), help: ArgumentHelp("Where the archive package goes (a new folder); default <report name>.archive beside the report.", valueName: "dir"))
    var archiveDir: String?

    func validate() throws {
        guard ["de", "en"].contains(lang) else { throw ValidationError("--lang must be de or en") }
    }

    /// The report's path without its extension.
    static func stem(_ report: String) -> String {
        let ext = (report as NSString).pathExtension
        return ext.isEmpty ? report : String(report.dropLast(ext.count + 1))
    }

    /// `<stem>.<suffix>.<ext>` beside the report.
    static func beside(_ report: String, _ suffix: String) -> String {
        let ext = (report as NSString).pathExtension
        return ext.isEmpty ? "\(stem(report)).\(suffix)" : "\(stem(report)).\(suffix).\(ext)"
    }

    /// The database as it is: a dry run must not even run the (empty) migration.
    static func openUnchanged(_ global: GlobalOptions) throws -> PrivacyDatabase {
        guard FileManager.default.fileExists(atPath: global.databasePath) else { return try global.openExistingStore() }
        do {
            return try PrivacyDatabase.openUnchanged(path: global.databasePath)
        } catch {
            throw CommandFailure(.failed, "cannot open the database \(global.databasePath): \(error)")
        }
    }

    var hasPassphraseSource: Bool {
        global.passphraseFile != nil || ProcessInfo.processInfo.environment["PRIVACY_PASSPHRASE"].nonEmpty != nil
            || isatty(STDIN_FILENO) == 1
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        let store = dryRun ? try Self.openUnchanged(global) : try global.openExistingStore()
        let clock = try global.clock()
        let keys = global.keyDirectory
        // The contact data is sealed: statistics (callback windows) and the archive package open it.
        var archive: ContactArchive?
        var passphrase: Passphrase?
        let sealed = try await KeyDestruction(store: store, keys: keys, clock: clock).sealedRecords()
        let done = try await ProgrammeStatus.read(store: store, policy: policy, now: clock.now()).windDownSteps
        let needsKey = done[WindDownStep.statistics.rawValue] == nil || done[WindDownStep.archive.rawValue] == nil
        if sealed > 0 && needsKey && (!dryRun || hasPassphraseSource) {
            let pass = try global.passphrase()
            archive = ContactArchive(store: store, opener: Opener(keyPair: try keys.loadKeyPair(passphrase: pass)),
                                     index: BlindIndex(key: try keys.loadPublic().indexKey))
            passphrase = pass
        }
        let format = out.map(ReportDocument.Format.from(path:)) ?? .markdown
        let folder = archiveDir ?? out.map { Self.stem($0) + ".archive" } ?? "wind-down.archive"
        let windDown = WindDown(store: store, policy: policy, clock: clock, archive: archive)
        var report = try await windDown.run(dryRun: dryRun, packageFolder: folder) { statistics in
            guard let out else { return }
            let text = DeletionReportText.statisticsDocument(statistics, programme: policy.programme.name, language: lang).render(format)
            try PrivateFile.write(Array(text.utf8), to: Self.beside(out, "statistics"), replace: true)
        }
        // Signed with audit.key, the key of the checkpoints (see docs/wind-down.md).
        var signer: (any ReportSigner)?
        if !dryRun, passphrase == nil, FileManager.default.fileExists(atPath: keys.auditSecretKeyPath), hasPassphraseSource {
            passphrase = try global.passphrase()
        }
        if dryRun {
            report.unsignedReason = "dry run"
        } else if let key = try loadAuditSigningKey(keys: keys, passphrase: passphrase) {
            signer = Ed25519ReportSigner(key: key)
        } else {
            report.unsignedReason = "audit.key not present"
        }
        let bytes = Array(DeletionReportText.document(report, language: lang).render(format).utf8)
        if let signer, out != nil { report.signature = signer.signatureLine(for: bytes) }
        if let out {
            try PrivateFile.write(bytes, to: out, replace: true)
            if let signature = report.signature { try PrivateFile.write(Array((signature + "\n").utf8), to: out + ".sig", replace: true) }
        }
        if !dryRun && report.stoppedAt == nil {
            try await windDown.recordReportIssued(sha256: Checksum.sha256Hex(bytes), signedBy: report.signature == nil ? nil : signer?.keyName)
        }
        if output.json {
            try Output.json(report)
        } else if let out {
            Output.line("\(dryRun ? "dry run: " : "")wrote \(out)\(report.signature != nil ? " and \(out).sig" : "")")
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
        if let reason = report.unsignedReason, !dryRun, report.stoppedAt == nil {
            Output.note("privacyctl: warning: the deletion report is unsigned: \(reason) (see docs/wind-down.md)")
        }
        if let step = report.stoppedAt {
            let message = "the wind-down \(dryRun ? "would stop" : "stopped") at \(step.rawValue):\n  " + report.stopReasons.joined(separator: "\n  ")
            if dryRun { Output.note("privacyctl: note: " + message) } else { throw CommandFailure(.failed, message) }
        }
    }
}

/// `privacyctl wind-down archive --decision taken|declined --reference TEXT`
struct WindDownArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Record the public archive's decision on the offer (ThürArchivG § 11).",
        usage: "privacyctl wind-down archive [<options>] --decision <d> --reference <ref>",
        discussion: """
            The wind-down offers the kinds of records the policy names (archive.offer) to the archive and stops until its decision is recorded here. "taken": the next run exports an archive package (decrypted, with a manifest and SHA-256 checksums) before the purge. "declined": the records may be purged. The reference is the archive's file number (Aktenzeichen) or letter; it holds no personal data.

            Example:
              privacyctl wind-down archive --decision declined --reference "StA 0815/2025"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "taken or declined.") var decision: String
    @Option(help: "The archive's reference (file number or letter).") var reference: String

    func validate() throws {
        guard ArchiveDecision(rawValue: decision) != nil else { throw ValidationError("--decision must be taken or declined") }
        guard !reference.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reference must not be empty") }
    }

    func run() async throws {
        let store = try global.openExistingStore()
        let record = try await WindDown(store: store, policy: try global.loadPolicy(), clock: try global.clock(), archive: nil)
            .recordDecision(ArchiveDecision(rawValue: decision)!, reference: reference)
        if output.json { return try Output.json(record) }
        Output.line("recorded: \(record.archive ?? "the archive") \(record.decision == .taken ? "takes" : "declines") \(record.kinds.joined(separator: ", ")) (\(record.reference)); now run `privacyctl wind-down`")
    }
}

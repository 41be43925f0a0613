import ArgumentParser
import Consent
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the hash chains; list what the DPO's commands and the purges did.",
        subcommands: [AuditVerifyCommand.self, AuditLogCommand.self, AuditCheckpointCommand.self])
}

/// `privacyctl audit verify`
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the hash chains, recompute both Merkle trees, and prove they extend every checkpoint.",
        usage: "privacyctl audit verify [<options>]",
        discussion: """
            The hash chains name the first entry that was edited, deleted or reordered. The Merkle trees are recomputed from the entries (no stored hash is trusted), every checkpoint's signature is checked with audit.pub, and RFC 9162 consistency proofs show that today's trees extend every checkpoint stored in the database and every --checkpoint FILE you kept elsewhere: that is what catches a history rewritten and re-chained, truncated, reordered or forked by whoever holds the database file. Exits 4 naming what failed (and the checkpoint, with its size and date). See docs/transparency-log.md.

            Example:
              privacyctl audit verify --checkpoint ~/checkpoints/2026-12-01.txt
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("checkpoint"), help: ArgumentHelp("A checkpoint file (from `audit checkpoint --out`) to prove against; repeatable.", valueName: "file"))
    var checkpointFiles: [String] = []

    struct Report: Encodable {
        var ok: Bool
        var chains: [ChainReport]
        var restores: [RestoreLoss]
        var transparency: TransparencyReport
        var policyTexts: TextsCheck

        /// The kept policy texts (issue 11): how many were checked, what failed.
        struct TextsCheck: Encodable {
            var checked: Int
            var problems: [String]
        }

        enum CodingKeys: String, CodingKey {
            case ok, chains, restores, transparency, policyTexts = "policy_texts"
        }
    }

    func run() async throws {
        let store = try global.openExistingStore()
        await RequestWarnings.emit(global, store: store)
        var files: [CheckpointSource] = []
        for path in checkpointFiles {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.usage, "cannot read the checkpoint file \(path)")
            }
            files.append(CheckpointSource(label: "checkpoint file \(path)", note: String(decoding: data, as: UTF8.self)))
        }
        let verifier = try? global.keyDirectory.loadAuditVerifier()
        let sources = files
        let check = try await IntegrityCheck.run(store, verifier: verifier, files: sources)
        let (chains, restores, transparency, texts) = (check.chains, check.restores, check.transparency, check.texts)
        let report = Report(ok: chains.allSatisfy(\.ok) && transparency.ok && texts.problems.isEmpty, chains: chains,
                            restores: restores, transparency: transparency,
                            policyTexts: .init(checked: texts.checked, problems: texts.problems))
        if output.json {
            try Output.json(report)
        } else {
            for c in chains {
                if let bad = c.firstBad {
                    Output.line("\(c.chain): BROKEN at entry \(bad.seq): \(bad.problem)")
                } else {
                    Output.line("\(c.chain): OK (\(c.entries) entries\(c.redacted > 0 ? ", \(c.redacted) redacted by erasure or retention" : ""))")
                }
            }
            for t in transparency.trees {
                Output.line("\(t.tree) tree: size \(t.size), root \(t.root)\(t.leavesFromStoredHashes > 0 ? " (\(t.leavesFromStoredHashes) leaves of entries deleted by retention, vouched for by checkpoints only)" : "")")
            }
            for c in transparency.checkpoints {
                Output.line("\(c.checkpoint): \(c.ok ? "OK (signature and consistency proofs)" : "FAILED")")
            }
            if transparency.checkpoints.isEmpty { Output.line("no checkpoint yet: run `privacyctl audit checkpoint` so that a rewrite of the history can be proven") }
            Output.line(texts.problems.isEmpty ? "policy texts: OK (\(texts.checked) kept documents hash to their texts_hash)"
                                               : "policy texts: \(texts.problems.count) of \(texts.checked) kept documents FAILED")
            for r in restores {
                let lost = [r.ledgerLost.map { "ledger entries #\($0.lowerBound)–#\($0.upperBound)" },
                            r.auditLost.map { "audit entries #\($0.lowerBound)–#\($0.upperBound)" }].compactMap { $0 }
                Output.line("restore (audit entry #\(r.auditSequence), \(r.restoredAt)) from the backup of \(r.backupCreatedAt): \(lost.isEmpty ? "nothing of the replaced database lost" : lost.joined(separator: " and ") + " of the replaced database were lost; their numbers are reused after it")")
            }
        }
        await AuditSigning.staleCheckpointWarning(global, store: store)
        if let bad = chains.first(where: { !$0.ok }), let first = bad.firstBad {
            if output.json { throw ExitCode(CommandFailure.Code.integrity.rawValue) }
            let also = transparency.problems.isEmpty ? "" : "\n" + transparency.problems.joined(separator: "\n")
            throw CommandFailure(.integrity, "\(bad.chain) does not verify: the first bad entry is #\(first.seq) (\(first.problem))\(also)")
        }
        if !texts.problems.isEmpty {
            if output.json { throw ExitCode(CommandFailure.Code.integrity.rawValue) }
            throw CommandFailure(.integrity, texts.problems.joined(separator: "\n"))
        }
        if !transparency.ok {
            if output.json { throw ExitCode(CommandFailure.Code.integrity.rawValue) }
            // A checkpoint signed before a restore covers entries the restore lost: say so, so that
            // the DPO reads the failure as the restore's loss (recorded in the audit log), not an edit.
            let losses = restores.compactMap { r -> String? in
                guard let lost = r.ledgerLost else { return nil }
                return "the restore of \(r.restoredAt) (audit entry #\(r.auditSequence)) lost ledger entries #\(lost.lowerBound)–#\(lost.upperBound)"
            }
            let because = losses.isEmpty ? "" : "\nA checkpoint signed before a restore fails for what the restore lost: " + losses.joined(separator: "; ")
                + ". That is the restore's loss, recorded in the audit log; sign a new checkpoint once it is accepted."
            throw CommandFailure(.integrity, transparency.problems.joined(separator: "\n") + because)
        }
    }
}

/// `privacyctl audit log`
struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List every DPO action and purge: who (OS user), what, when, counts; never personal data.",
        usage: "privacyctl audit log [<options>]")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var since: SinceOption

    func run() async throws {
        let start = try since.start(policy: try global.loadPolicy())
        let store = try global.openExistingStore()
        let records = try await AuditLog.entries(in: store, since: start)
        if output.json { return try Output.json(records) }
        if records.isEmpty { return Output.line("the audit log is empty") }
        Output.table(["#", "at", "actor", "action", "subject", "details"], records.map { r in
            [String(r.sequence), r.at, r.actor, r.action, r.subject.map { String($0.prefix(12)) + "…" } ?? "-",
             r.details.keys.sorted().map { "\($0)=\(r.details[$0]!)" }.joined(separator: " ")]
        })
    }
}

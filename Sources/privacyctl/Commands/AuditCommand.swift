import ArgumentParser
import Consent
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the hash chains; list what the DPO's commands and the purges did.",
        subcommands: [AuditVerifyCommand.self, AuditLogCommand.self])
}

/// `privacyctl audit verify`
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the consent ledger's and the audit log's hash chains.",
        discussion: "Exits 4 and names the first entry that was edited, deleted or reordered.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var ok: Bool
        var chains: [ChainReport]
        var restores: [RestoreLoss]
    }

    func run() async throws {
        let store = try global.openExistingStore()
        await RequestWarnings.emit(global, store: store)
        let (chains, restores) = try await store.pool.read { db in
            ([try ConsentLedger.verifyChain(db), try AuditLog.verify(db)], try RestoreHistory.losses(db))
        }
        let report = Report(ok: chains.allSatisfy(\.ok), chains: chains, restores: restores)
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
            for r in restores {
                let lost = [r.ledgerLost.map { "ledger entries #\($0.lowerBound)–#\($0.upperBound)" },
                            r.auditLost.map { "audit entries #\($0.lowerBound)–#\($0.upperBound)" }].compactMap { $0 }
                Output.line("restore (audit entry #\(r.auditSequence), \(r.restoredAt)) from the backup of \(r.backupCreatedAt): \(lost.isEmpty ? "nothing of the replaced database lost" : lost.joined(separator: " and ") + " of the replaced database were lost; their numbers are reused after it")")
            }
        }
        if let bad = chains.first(where: { !$0.ok }), let first = bad.firstBad {
            if output.json { throw ExitCode(Failure.Code.integrity.rawValue) }
            throw Failure(.integrity, "\(bad.chain) does not verify: the first bad entry is #\(first.seq) (\(first.problem))")
        }
    }
}

/// `privacyctl audit log`
struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List every DPO action and purge: who (OS user), what, when, counts; never personal data.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var since: SinceOption

    func run() async throws {
        let start = try since.start(policy: try global.loadPolicy())
        let store = try global.openExistingStore()
        let records = try await store.pool.read { db in try AuditLog.entries(db, since: start) }
        if output.json { return try Output.json(records) }
        if records.isEmpty { return Output.line("the audit log is empty") }
        Output.table(["#", "at", "actor", "action", "subject", "details"], records.map { r in
            [String(r.sequence), r.at, r.actor, r.action, r.subject.map { String($0.prefix(12)) + "…" } ?? "-",
             r.details.keys.sorted().map { "\($0)=\(r.details[$0]!)" }.joined(separator: " ")]
        })
    }
}

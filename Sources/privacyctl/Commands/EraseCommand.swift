import ArgumentParser
import Consent

/// `privacyctl erase (--email ADDR | --consent-id ID)`
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person's data (Art. 17): gone from the database file and its WAL.",
        usage: "privacyctl erase [<options>] --email <email>\nprivacyctl erase [<options>] --consent-id <id>",
        discussion: """
            Deletes the person's contact requests and blind-index entries and erases or anonymises their consent entries (as the policy's `erasure` says), in one transaction; then checkpoints and truncates the WAL so not one byte of theirs remains. A legal hold keeps a record (Art. 17(3)(e)) and is reported. The audit log keeps a PII-free entry.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var person: SubjectOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var link: RequestLinkOption

    func run() async throws {
        let subject = try person.subject()
        let policy = try global.loadPolicy()
        let (store, archive, index) = try openArchive(global)
        try await link.check(global, subjectHash: index.subjectHash(subject))
        let report = try await Erasure(store: store, archive: archive, policy: policy, clock: try global.clock(), index: index,
                                    tombstones: global.tombstoneLog)
            .erase(subject)
        try await link.link(global, .erase, subjectHash: report.subject, details: [
            "contact_requests_deleted": String(report.contactRequestsDeleted), "consent_entries_redacted": String(report.consentEntriesRedacted),
            "held_by_legal_hold": String(report.heldByLegalHold),
        ])
        reportUnreadable(report.unreadable)
        if output.json { try Output.json(report) } else {
            Output.line("erased: \(report.contactRequestsDeleted) contact requests deleted, \(report.consentEntriesRedacted) consent entries \(report.consentEntriesAction == "delete" ? "deleted" : "anonymised")")
            if report.heldByLegalHold > 0 { Output.line("kept: \(report.heldByLegalHold) records under a legal hold (see `privacyctl hold list`)") }
        }
        guard report.walTruncated else {
            throw CommandFailure(.failed, "the erasure is committed, but the WAL could not be emptied while other connections read; run `privacyctl purge` or this command again shortly")
        }
    }
}

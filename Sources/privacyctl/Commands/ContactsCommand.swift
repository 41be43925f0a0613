import ArgumentParser
import Consent
import Vault

struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Read the contact requests (needs the secret key and its passphrase).",
        subcommands: [ContactsListCommand.self, ContactsShowCommand.self, ContactsReindexCommand.self])
}

/// Opens the archive with the secret key; reading personal data is written to the audit log.
func openArchive(_ global: GlobalOptions) throws -> (Store, ContactArchive, BlindIndex) {
    let store = try global.openExistingStore()
    let index = try global.blindIndex()
    let archive = ContactArchive(store: store, opener: Opener(keyPair: try global.keyPair()), index: index)
    return (store, archive, index)
}

func audit(_ store: Store, _ note: AuditNote, clock: any WallClock) async throws {
    try await store.pool.write { db in
        _ = try AuditLog.append(action: note.action, actor: note.actor, subject: note.subject, details: note.details, at: clock.now(), db)
    }
}

/// `privacyctl contacts list`
struct ContactsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the contact requests, oldest first, with the preferred callback time.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (store, archive, _) = try openArchive(global)
        let opened = try await archive.listOpened()
        let requests = opened.requests
        var details = ["count": String(requests.count)]
        if !opened.unreadable.isEmpty { details["unreadable"] = String(opened.unreadable.count) }
        try await audit(store, AuditNote(action: "contacts.list", subject: nil, details: details), clock: try global.clock())
        reportUnreadable(opened.unreadable)
        if output.json { return try Output.json(requests) }
        if requests.isEmpty { return Output.line("no contact requests") }
        Output.table(["reference", "received", "name", "e-mail", "phone", "callback", "message"], requests.map { r in
            [r.reference, r.receivedAt, r.name, r.email, r.phone ?? "-", r.callbackTime ?? "-",
             String(r.message.replacingOccurrences(of: "\n", with: " ").prefix(40)) + (r.message.count > 40 ? "…" : "")]
        })
    }
}

/// `privacyctl contacts show REF`
struct ContactsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one contact request in full.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The reference the sender was given (CR-…).") var reference: String

    func run() async throws {
        let (store, archive, index) = try openArchive(global)
        let r = try await archive.show(reference)
        try await audit(store, AuditNote(action: "contacts.show", subject: Digest.hex(index.value(for: "subject:reference:" + reference))),
                        clock: try global.clock())
        if output.json { return try Output.json(r) }
        Output.table(["field", "value"], [
            ["reference", r.reference], ["received", r.receivedAt], ["name", r.name], ["e-mail", r.email],
            ["phone", r.phone ?? "-"], ["callback time", r.callbackTime ?? "-"], ["consent id", r.consentID ?? "-"],
            ["privacy notice accepted", r.privacyNoticeAcceptedAt], ["policy version", r.policyVersion], ["sealed to key", r.keyID],
        ])
        Output.line()
        Output.line(r.message)
    }
}

/// Names each contact request that could not be opened (reference and why; never content), on
/// stderr, so that one damaged row does not hide the others.
func reportUnreadable(_ unreadable: [UnreadableRequest]) {
    for u in unreadable {
        Output.note("privacyctl: warning: contact request \(u.reference) could not be opened: \(u.reason); the others are complete")
    }
}

/// `privacyctl contacts reindex`
struct ContactsReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the e-mail lookup index of the contact requests after an upgrade (needs the secret key).",
        discussion: """
            Version 1.1 normalises e-mail addresses further before indexing them (Unicode NFC, lower case, the domain in its IDNA form, so that Jürgen@Bücherei.example and jürgen@xn--bcherei-n2a.example are one person). Requests stored before are still found under the spelling they were sent with; run this once to find them under every spelling.

            It opens each request, recomputes the index and rewrites only what differs, in batches: if it is interrupted, run it again and it continues. A request that cannot be opened is named and skipped. The audit log records the counts, no personal data.
              privacyctl contacts reindex
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("batch-size"), help: "Requests per transaction.") var batchSize = 200

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    func run() async throws {
        let (store, archive, _) = try openArchive(global)
        let progress = Progress()
        let report = try await ContactReindex(archive: archive, batchSize: batchSize).run { done, total in
            progress.update("re-indexing", done, total)
        }
        progress.finish()
        try await audit(store, AuditNote(action: "contacts.reindex", subject: nil, details: [
            "examined": String(report.examined), "updated": String(report.updated), "unreadable": String(report.unreadable.count),
        ]), clock: try global.clock())
        reportUnreadable(report.unreadable)
        if output.json { return try Output.json(report) }
        Output.line("re-indexed: \(report.examined) contact requests examined, \(report.updated) updated, \(report.unreadable.count) could not be opened")
    }
}

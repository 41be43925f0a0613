import ArgumentParser
import Consent
import Vault

struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Read the contact requests (needs the secret key and its passphrase).",
        subcommands: [ContactsListCommand.self, ContactsShowCommand.self])
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
        let requests = try await archive.list()
        try await audit(store, AuditNote(action: "contacts.list", subject: nil, details: ["count": String(requests.count)]), clock: try global.clock())
        if output.json { return try Output.json(requests) }
        if requests.isEmpty { return Output.line("no contact requests") }
        Output.table(["reference", "received", "name", "e-mail", "phone", "callback", "message"], requests.map { r in
            [r.reference, r.receivedAt, r.name, r.email ?? "-", r.phone ?? "-", r.callbackTime ?? "-",
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
            ["reference", r.reference], ["received", r.receivedAt], ["name", r.name], ["e-mail", r.email ?? "-"],
            ["phone", r.phone ?? "-"], ["callback time", r.callbackTime ?? "-"], ["consent id", r.consentID ?? "-"],
            ["privacy notice accepted", r.privacyNoticeAcceptedAt], ["policy version", r.policyVersion], ["sealed to key", r.keyID],
        ])
        Output.line()
        Output.line(r.message)
    }
}

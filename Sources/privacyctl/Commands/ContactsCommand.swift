import ArgumentParser
import Consent
import Vault

struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Read the contact requests (needs the secret key and its passphrase).",
        subcommands: [ContactsListCommand.self, ContactsShowCommand.self, ContactsAmendCommand.self, ContactsReindexCommand.self])
}

/// Opens the archive with the secret key; reading personal data is written to the audit log.
func openArchive(_ global: GlobalOptions) throws -> (PrivacyDatabase, ContactArchive, BlindIndex) {
    let store = try global.openExistingStore()
    let index = try global.blindIndex()
    let archive = ContactArchive(store: store, opener: Opener(keyPair: try global.keyPair()), index: index)
    return (store, archive, index)
}

/// `--restricted --reason TEXT`: show records whose processing is restricted (Art. 18), for a stated reason.
struct RestrictedOptions: ParsableArguments {
    @Flag(help: "Also show the content of restricted records (Art. 18); needs --reason.") var restricted = false
    @Option(help: "Why restricted content is shown (Art. 18(2): e.g. a legal claim); recorded in the audit log.") var reason: String?

    func validate() throws {
        if restricted && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--restricted needs --reason TEXT: why the restricted records are processed (Art. 18(2))")
        }
        if reason != nil && !restricted { throw ValidationError("--reason goes with --restricted") }
    }

    /// The references under an active restriction.
    func restrictedReferences(_ store: PrivacyDatabase, clock: any WallClock) async throws -> Set<String> {
        try await HoldBook(store: store, clock: clock).subjects(kind: .restriction, subjectKind: .contactRequest)
    }

    /// A view with its content replaced, for a restricted record shown without --restricted.
    static func masked(_ r: ContactRequestView) -> ContactRequestView {
        var m = r
        let hidden = "(restricted, Art. 18)"
        m.name = hidden; m.email = hidden; m.message = hidden
        m.phone = r.phone == nil ? nil : hidden
        m.callbackTime = r.callbackTime == nil ? nil : hidden
        m.consentID = r.consentID == nil ? nil : hidden
        return m
    }
}

/// `privacyctl contacts list`
struct ContactsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the contact requests, oldest first, with the preferred callback time.",
        usage: "privacyctl contacts list [<options>]",
        discussion: "Records whose processing is restricted (Art. 18) are listed with their content hidden, unless --restricted --reason TEXT is given.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var restriction: RestrictedOptions

    func run() async throws {
        let (store, archive, _) = try openArchive(global)
        let clock = try global.clock()
        let restrictedRefs = try await restriction.restrictedReferences(store, clock: clock)
        let (shown, reason) = (restriction.restricted, restriction.reason)
        let opened = try await archive.listOpened(at: clock.now()) { opened in
            var details = ["count": String(opened.requests.count)]
            if shown { details["restricted_shown"] = String(opened.requests.filter { restrictedRefs.contains($0.reference) }.count); details["reason"] = reason }
            if !opened.unreadable.isEmpty { details["unreadable"] = String(opened.unreadable.count) }
            return AuditNote(action: "contacts.list", subject: nil, details: details)
        }
        let all = opened.requests
        let requests = all.map { restrictedRefs.contains($0.reference) && !restriction.restricted ? RestrictedOptions.masked($0) : $0 }
        reportUnreadable(opened.unreadable)
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
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one contact request in full.",
        usage: "privacyctl contacts show [<options>] <reference>")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var restriction: RestrictedOptions
    @Argument(help: "The reference the sender was given (CR-…).") var reference: String

    func run() async throws {
        let (store, archive, index) = try openArchive(global)
        let clock = try global.clock()
        let isRestricted = try await restriction.restrictedReferences(store, clock: clock).contains(reference)
        var details: [String: String] = [:]
        if isRestricted { details["restricted"] = restriction.restricted ? "shown" : "hidden" }
        if isRestricted && restriction.restricted { details["reason"] = restriction.reason }
        let opened = try await archive.show(reference, at: clock.now(), audit: AuditNote(
            action: "contacts.show", subject: Digest.hex(index.value(for: "subject:reference:" + reference)), details: details))
        let r = isRestricted && !restriction.restricted ? RestrictedOptions.masked(opened) : opened
        if isRestricted && !restriction.restricted {
            Output.note("privacyctl: \(reference) is restricted (Art. 18): its content is hidden; show it with --restricted --reason TEXT")
        }
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
        usage: "privacyctl contacts reindex [<options>]",
        discussion: """
            Version 1.1 normalises e-mail addresses further before indexing them (Unicode NFC, lower case, the domain in its IDNA form, so that Jürgen@Bücherei.example and jürgen@xn--bcherei-n2a.example are one person). Requests stored before are still found under the spelling they were sent with; run this once to find them under every spelling.

            It opens each request, recomputes the index and rewrites only what differs, in batches: if it is interrupted, run it again and it continues. A request that cannot be opened is named and skipped. The audit log records the counts, no personal data.

            Example:
              privacyctl contacts reindex
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("batch-size"), help: "Requests per transaction.") var batchSize = 200

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    func run() async throws {
        let (_, archive, _) = try openArchive(global)
        let clock = try global.clock()
        let progress = ProgressReporter()
        let report = try await ContactReindex(archive: archive, batchSize: batchSize).run(auditAt: clock.now()) { done, total in
            progress.update("re-indexing", done, total)
        }
        progress.finish()
        reportUnreadable(report.unreadable)
        if output.json { return try Output.json(report) }
        Output.line("re-indexed: \(report.examined) contact requests examined, \(report.updated) updated, \(report.unreadable.count) could not be opened")
    }
}

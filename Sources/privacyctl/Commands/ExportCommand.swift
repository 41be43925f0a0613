import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl export (--email ADDR | --consent-id ID) --out FILE`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Answer an access (Art. 15) or portability (Art. 20) request: everything held about one person, as JSON.",
        usage: "privacyctl export [<options>] --email <email> --out <file>\nprivacyctl export [<options>] --consent-id <id> --out <file>",
        discussion: """
            The file holds every datum about the person, decrypted (contact requests, consent history), with the information Art. 15(1)(a)–(h) requires: purposes, legal bases, categories, recipients, storage periods, rights, complaint, source, no automated decisions. Nobody else's data is in it. It is written as a new file with mode 0600 (an existing file is refused unless --force, and a symbolic link never followed): send it to the person securely and delete your copy.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var person: SubjectOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Where to write the JSON answer (a new file; see --force).") var out: String
    @OptionGroup var link: RequestLinkOption
    @Flag(help: "Replace an existing file at --out (still never through a symbolic link).") var force = false

    struct Summary: Encodable {
        var file: String
        var contactRequests: Int
        var consents: Int
        var consentEntries: Int
        var unreadable: [UnreadableRequest]
        enum CodingKeys: String, CodingKey {
            case file, consents, unreadable, contactRequests = "contact_requests", consentEntries = "consent_entries"
        }
    }

    func run() async throws {
        let subject = try person.subject()
        if !force { try FileOutput.refuseExisting(out) }
        let policy = try global.loadPolicy()
        let clock = try global.clock()
        let (store, archive, index) = try openArchive(global)
        try await link.check(global, subjectHash: index.subjectHash(subject))
        let ledger = ConsentLedger(store: store, policy: policy, clock: clock)
        let (export, unreadable) = try await SubjectExport.buildReporting(for: subject, archive: archive, ledger: ledger,
                                                                           policy: policy, now: clock.now())
        reportUnreadable(unreadable)
        guard !export.isEmpty else {
            throw CommandFailure(.notFound, "no data is held about this person (no contact request or consent record matches); nothing was written")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileOutput.writePrivate(try encoder.encode(export), to: out, overwrite: force)
        let summary = Summary(file: out, contactRequests: export.data.contactRequests.count, consents: export.data.consents.count,
                              consentEntries: export.data.consents.reduce(0) { $0 + $1.entries.count }, unreadable: unreadable)
        try await SubjectExport.recordHandedOut(subjectHash: index.subjectHash(subject), contactRequests: summary.contactRequests,
                                                consentEntries: summary.consentEntries, at: clock.now(), in: store)
        try await link.link(global, .export, subjectHash: index.subjectHash(subject), details: [
            "contact_requests": String(summary.contactRequests), "consent_entries": String(summary.consentEntries),
        ])
        if output.json { return try Output.json(summary) }
        Output.line("wrote \(out): \(summary.contactRequests) contact requests, \(summary.consents) consents (\(summary.consentEntries) entries)")
    }
}

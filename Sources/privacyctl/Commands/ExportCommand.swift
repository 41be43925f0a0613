import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl export (--email ADDR | --consent-id ID) --out FILE`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Answer an access (Art. 15) or portability (Art. 20) request: everything held about one person, as JSON.",
        discussion: """
            The file holds every datum about the person, decrypted (contact requests, consent
            history), with the information Art. 15(1)(a)–(h) requires: purposes, legal bases,
            categories, recipients, storage periods, rights, complaint, source, no automated
            decisions. Nobody else's data is in it. It is written with mode 0600: send it to the
            person securely and delete your copy.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var person: SubjectOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Where to write the JSON answer.") var out: String
    @OptionGroup var link: RequestLinkOption

    struct Summary: Encodable {
        var file: String
        var contactRequests: Int
        var consents: Int
        var consentEntries: Int
        enum CodingKeys: String, CodingKey {
            case file, consents, contactRequests = "contact_requests", consentEntries = "consent_entries"
        }
    }

    func run() async throws {
        let subject = try person.subject()
        let policy = try global.loadPolicy()
        let clock = try global.clock()
        let (store, archive, index) = try openArchive(global)
        try await link.check(global, subjectHash: index.subjectHash(subject))
        let ledger = ConsentLedger(store: store, policy: policy, clock: clock)
        let export = try await SubjectExport.build(for: subject, archive: archive, ledger: ledger, policy: policy, now: clock.now())
        guard !export.isEmpty else {
            throw Failure(.notFound, "no data is held about this person (no contact request or consent record matches); nothing was written")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileOutput.writePrivate(try encoder.encode(export), to: out)
        let summary = Summary(file: out, contactRequests: export.data.contactRequests.count, consents: export.data.consents.count,
                              consentEntries: export.data.consents.reduce(0) { $0 + $1.entries.count })
        try await audit(store, AuditNote(action: "export", subject: index.subjectHash(subject), details: [
            "contact_requests": String(summary.contactRequests), "consent_entries": String(summary.consentEntries),
        ]), clock: clock)
        try await link.link(global, .export, subjectHash: index.subjectHash(subject), details: [
            "contact_requests": String(summary.contactRequests), "consent_entries": String(summary.consentEntries),
        ])
        if output.json { return try Output.json(summary) }
        Output.line("wrote \(out): \(summary.contactRequests) contact requests, \(summary.consents) consents (\(summary.consentEntries) entries)")
    }
}

enum FileOutput {
    /// Writes personal data to a new file readable by its owner only.
    static func writePrivate(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.failed, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else { throw Failure(.failed, "cannot write \(path): short write") }
    }
}

import ArgumentParser
import Consent
import Foundation
import Vault

/// Writes an answer file through ``FileOutput``: 0600, never through a symbolic link; an existing
/// path is refused (exit 2) unless `--force` replaces it.
func writeAnswer(_ data: Data, to path: String, force: Bool) throws {
    try FileOutput.writePrivate(data, to: path, overwrite: force)
}

/// The person a request is about, opened with the secret key, with the archive to find their data.
func requestSubject(_ global: GlobalOptions, id: String) async throws -> (RequestRegister, DataRequest, DataSubject, PrivacyDatabase, ContactArchive, BlindIndex, Policy) {
    let (store, register, policy) = try openRegister(global)
    let request = try await register.get(id)
    let (_, archive, index) = try openArchive(global)
    let subject = try await register.subject(of: id, opener: Opener(keyPair: try global.keyPair()))
    return (register, request, subject, store, archive, index, policy)
}

struct RequestAnswerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer", abstract: "Write the answer to the person: a letter they can read (German by default), or the export's JSON.",
        usage: "privacyctl request answer [<options>] <id> --out <out>",
        discussion: """
            For access and portability the letter holds every datum held about the person (decrypted: needs the secret key), their consent history in words, the information of Art. 15(1)(a)–(h) and the machine-readable export. For the other types it says what was done and when (the runs linked with --request, and restrict/lift/object). When nothing is held it says so (Art. 11(2), 12(2)). html prints on A4; txt is for e-mail; json is exactly what `privacyctl export` writes. The file is written with mode 0600: send it securely and delete your copy.

            Examples:
              privacyctl request answer RQ-… --out antwort.html
              privacyctl request answer RQ-… --out answer.txt --lang en --format txt
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The request's id (RQ-…).") var id: String
    @Option(help: "Where to write the answer.") var out: String
    @Option(help: "de or en.") var lang: String = "de"
    @Option(help: "html, txt or json.") var format: String = "html"
    @Flag(help: "Replace an existing file.") var force = false

    func validate() throws {
        guard LetterLanguage(rawValue: lang) != nil else { throw ValidationError("--lang \(lang) is not known; use de or en") }
        guard LetterFormat(rawValue: format) != nil else { throw ValidationError("--format \(format) is not known; use html, txt or json") }
    }

    struct Written: Encodable {
        var file: String
        var request: String
        var type: String
        var lang: String
        var format: String
        var nothingHeld: Bool
        enum CodingKeys: String, CodingKey { case file, request, type, lang, format, nothingHeld = "nothing_held" }
    }

    func run() async throws {
        let (register, request, subject, store, archive, _, policy) = try await requestSubject(global, id: id)
        let clock = try global.clock()
        let ledger = ConsentLedger(store: store, policy: policy, clock: clock)
        let export = try await SubjectExport.build(for: subject, archive: archive, ledger: ledger, policy: policy, now: clock.now())
        if request.identityVerified == nil && (request.type == .access || request.type == .portability) && !export.isEmpty {
            Output.note("privacyctl: warning: the identity of the person of \(request.id) is not recorded as checked (Art. 12(6)); record it with `privacyctl request verify \(request.id) --how …` before sending data")
        }
        let data: Data
        switch LetterFormat(rawValue: format)! {
        case .json: data = try export.jsonData()
        case .html, .txt:
            let letter = try RequestAnswer(request: request, export: export, policy: policy,
                                           language: LetterLanguage(rawValue: lang)!, today: register.today).letter()
            data = Data((format == "html" ? letter.html() : letter.text()).utf8)
        }
        try writeAnswer(data, to: out, force: force)
        try await register.record(.answer, for: id, subjectHash: nil, details: ["format": format, "lang": lang])
        let written = Written(file: out, request: id, type: request.type.rawValue, lang: lang, format: format, nothingHeld: export.isEmpty)
        if output.json { return try Output.json(written) }
        Output.line("wrote \(out): \(request.type.rawValue) answer (\(lang), \(format))\(export.isEmpty ? "; nothing is held about this person" : "")")
    }
}

/// Checks that `request` is of `type`: a restriction is carried out for a restriction request, and so on.
func requireType(_ request: DataRequest, _ type: RequestType, _ command: String) throws {
    guard request.type == type else {
        throw CommandFailure(.usage, "request \(request.id) is a \(request.type.rawValue) request; `request \(command)` carries out \(type.rawValue) requests")
    }
    guard request.isOpen else { throw CommandFailure(.usage, "request \(request.id) is closed") }
}

struct RequestRestrictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrict", abstract: "Art. 18: restrict the processing of the person's records (for a restriction request).",
        usage: "privacyctl request restrict [<options>] <id>",
        discussion: "Marks the person's contact requests and consents: every purge keeps them, and `contacts list/show` hide their content unless --restricted is given with a reason. Lift it with `request lift ID` (tell the person before, Art. 18(3)).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The restriction request's id (RQ-…).") var id: String
    @Option(help: "Why (e.g. \"accuracy contested\", Art. 18(1)(a)); no personal data needed.") var reason: String?

    func run() async throws {
        let (register, request, subject, store, archive, _, _) = try await requestSubject(global, id: id)
        try requireType(request, .restriction, "restrict")
        let report = try await Restriction(store: store, archive: archive, clock: try global.clock())
            .restrict(subject, requestID: id, subjectHash: request.subject, reason: reason)
        try await register.record(.restrict, for: id, subjectHash: nil, details: [
            "contact_requests": String(report.contactRequests), "consents": String(report.consents),
        ])
        if output.json { return try Output.json(report) }
        Output.line("restricted: \(report.contactRequests) contact requests, \(report.consents) consents (request \(id))")
    }
}

struct RequestLiftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift", abstract: "Lift the restriction placed for a request (Art. 18(3): tell the person before).",
        usage: "privacyctl request lift [<options>] <id>")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The restriction request's id (RQ-…).") var id: String

    func run() async throws {
        let (store, register, _) = try openRegister(global)
        let request = try await register.get(id)
        let n = try await Restriction(store: store, archive: try openArchive(global).1, clock: try global.clock())
            .lift(requestID: id, subjectHash: request.subject)
        try await register.record(.lift, for: id, subjectHash: nil, details: ["records": String(n)])
        Output.line("restriction of request \(id) lifted (\(n) records)")
    }
}

struct RequestObjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "object", abstract: "Art. 21: stop processing based on Art. 6(1)(e)/(f) for the person (for an objection request).",
        usage: "privacyctl request object [<options>] <id>",
        discussion: "Their consent entries keep the choice, its time and the consent id (proof, Art. 7(1)) but lose page, IP prefix and user agent; their contact requests are deleted (run it once the contact request is answered). A legal hold keeps a record and is reported. Freed bytes are zeroed and the WAL truncated.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The objection request's id (RQ-…).") var id: String

    func run() async throws {
        let (register, request, subject, store, archive, _, _) = try await requestSubject(global, id: id)
        try requireType(request, .objection, "object")
        let report = try await Objection(store: store, archive: archive, clock: try global.clock())
            .object(subject, requestID: id, subjectHash: request.subject)
        try await register.record(.object, for: id, subjectHash: nil, details: [
            "consent_entries_minimised": String(report.consentEntriesMinimised),
            "contact_requests_deleted": String(report.contactRequestsDeleted), "held_by_legal_hold": String(report.heldByLegalHold),
        ])
        if output.json { try Output.json(report) } else {
            Output.line("objection carried out: \(report.consentEntriesMinimised) consent entries minimised, \(report.contactRequestsDeleted) contact requests deleted")
            if report.heldByLegalHold > 0 { Output.line("kept: \(report.heldByLegalHold) contact requests under a legal hold") }
        }
        guard report.walTruncated else {
            throw CommandFailure(.failed, "the objection is committed, but the WAL could not be emptied while other connections read; run `privacyctl purge` shortly")
        }
    }
}

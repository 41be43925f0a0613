import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl request open|list|extend|close|answer|verify|restrict|lift|object`
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "The register of requests from people (Art. 12–22): deadlines, identity checks, answers.",
        discussion: """
            Every letter, e-mail or call in which a person exercises a right is registered here the day it arrives. The deadline is one month from receipt (Art. 12(3) GDPR), counted as Regulation 1182/71 counts: the same date of the next month, or that month's last day; a Saturday, Sunday or public holiday of the policy's calendar (holidays: DE-TH) moves it to the next working day. While a request is open, an open_request hold keeps the person's records from the purge. Every step is written to the audit log without personal data. The details are in docs/requests.md.

            Examples:
              privacyctl request open --type access --email a@b.de --received 2025-01-31
              privacyctl request list --open
              privacyctl request extend RQ-… --reason "archive search" --told 2025-02-10
              privacyctl export --email a@example.org --out copy.json --request RQ-…
              privacyctl request answer RQ-… --out answer.html
              privacyctl request close RQ-… --outcome answered
            """,
        subcommands: [
            RequestOpenCommand.self, RequestListCommand.self, RequestExtendCommand.self, RequestCloseCommand.self,
            RequestAnswerCommand.self, RequestVerifyCommand.self, RequestRestrictCommand.self, RequestLiftCommand.self,
            RequestObjectCommand.self,
        ])
}

/// A `YYYY-MM-DD` option value, or exit 2 naming the option.
func parseDay(_ text: String, option: String) throws -> CalendarDay {
    guard let day = CalendarDay(text) else {
        throw CommandFailure(.usage, "\(option) \(text) is not a day; write YYYY-MM-DD (e.g. 2025-01-31)")
    }
    return day
}

func openRegister(_ global: GlobalOptions) throws -> (PrivacyDatabase, RequestRegister, Policy) {
    let policy = try global.loadPolicy()
    let store = try global.openExistingStore()
    return (store, RequestRegister(store: store, policy: policy, clock: try global.clock()), policy)
}

/// The warning `purge`, `audit verify` and `request list` print on stderr about open requests due
/// within seven days or overdue. Never fails the command it is part of.
enum RequestWarnings {
    static func emit(_ global: GlobalOptions, store: PrivacyDatabase) async {
        guard let policy = try? global.loadPolicy(), let clock = try? global.clock() else { return }
        let register = RequestRegister(store: store, policy: policy, clock: clock)
        guard let due = try? await register.dueSoon() else { return }
        for r in due {
            let when = r.overdue ? "is OVERDUE since \(r.due) (\(-(r.daysLeft ?? 0)) days)"
                : r.daysLeft == 0 ? "is due TODAY (\(r.due))" : "is due \(r.due) (in \(r.daysLeft ?? 0) days)"
            Output.note("privacyctl: warning: request \(r.id) (\(r.type.rawValue)) \(when); see `privacyctl request list --open`")
        }
    }
}

struct RequestOpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Register a request; prints its id (RQ-…) and its deadline.",
        discussion: """
            The person is named by the e-mail address they wrote from or by the consent id from the banner; the register keeps only a keyed hash of it and the identifier sealed to the vault's public key (no passphrase needed). --identity-verified records how the identity was checked (Art. 12(6)): in_person, email_reply, postal_reply, callback, consent_id, signed_letter; add it later with `request verify`.

            Examples:
              privacyctl request open --type erasure --email a@example.org --channel email
              privacyctl request open --type access --email a@b.de --received 2025-03-03
              privacyctl request verify RQ-… --how email_reply --on 2025-03-03
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var person: SubjectOptions
    @Option(help: "access, portability, erasure, rectification, restriction, objection or withdrawal.") var type: String
    @Option(help: "The day the request arrived (YYYY-MM-DD); default today.") var received: String?
    @Option(help: "letter, email, phone, office or web.") var channel: String = "letter"
    @Option(name: .customLong("identity-verified"), help: "How the identity was checked (Art. 12(6)).") var identityVerified: String?
    @Option(name: .customLong("verified-on"), help: "When the identity was checked (YYYY-MM-DD); default today.") var verifiedOn: String?

    func validate() throws {
        _ = try requestType
        _ = try requestChannel
        _ = try identityCheck
        if verifiedOn != nil && identityVerified == nil { throw ValidationError("--verified-on needs --identity-verified") }
    }

    var requestType: RequestType { get throws { try choice(type, of: "--type", "is not a request type") } }
    var requestChannel: RequestChannel { get throws { try choice(channel, of: "--channel") } }
    var identityCheck: IdentityCheck? { get throws { try identityVerified.map { try choice($0, of: "--identity-verified") } } }

    struct Opened: Encodable {
        var id: String
        var type: String
        var received: String
        var due: String
        var status: String
    }

    func run() async throws {
        let subject = try person.subject()
        let received = try received.map { try parseDay($0, option: "--received") }
        let verifiedOn = try verifiedOn.map { try parseDay($0, option: "--verified-on") }
        let (_, register, _) = try openRegister(global)
        let (publicKey, indexKey) = try global.keyDirectory.loadPublic()
        let request = try await register.open(
            type: try requestType, subject: subject, received: received, channel: try requestChannel,
            identity: try identityCheck, identityOn: verifiedOn,
            sealer: Sealer(publicKey: publicKey), index: BlindIndex(key: indexKey))
        if output.json {
            return try Output.json(Opened(id: request.id, type: request.type.rawValue, received: request.received.description,
                                          due: request.due.description, status: request.status))
        }
        Output.line(request.id)
        Output.line("\(request.type.rawValue) request received \(request.received), due \(request.due) (\(request.daysLeft ?? 0) days left)")
    }
}

struct RequestListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The register: overdue requests first, then open ones by deadline, then closed ones.",
        usage: "privacyctl request list [<options>]",
        discussion: "Requests due within seven days, or overdue, are also announced on stderr (so `--json` stays clean on stdout).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Only requests not yet closed.") var open = false
    @Option(name: .customLong("due-before"), help: "Only requests due before this day (YYYY-MM-DD).") var dueBefore: String?

    func run() async throws {
        let before = try dueBefore.map { try parseDay($0, option: "--due-before") }
        let (store, register, _) = try openRegister(global)
        let requests = try await register.list(openOnly: open, dueBefore: before)
        await RequestWarnings.emit(global, store: store)
        if output.json { return try Output.json(requests) }
        if requests.isEmpty { return Output.line("no requests") }
        Output.table(["id", "type", "received", "due", "days left", "status", "identity", "runs"], requests.map { r in
            [r.id, r.type.rawValue, r.received.description, r.due.description + (r.extended ? " (extended)" : ""),
             r.isOpen ? (r.overdue ? "OVERDUE \(-(r.daysLeft ?? 0))" : String(r.daysLeft ?? 0)) : "-",
             r.isOpen ? "open" : "closed \(r.closed!) \(r.outcome?.rawValue ?? "")",
             r.identityVerified.map { "\($0.rawValue) \(r.identityVerifiedOn.map(\.description) ?? "")" } ?? "not checked",
             r.runs.map(\.action.rawValue).joined(separator: ",")]
        })
    }
}

struct RequestExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: "Extend the deadline by two months (Art. 12(3)): once, with a reason, before the first deadline.",
        usage: "privacyctl request extend [<options>] <id> --reason <reason>",
        discussion: "The new deadline is three months from receipt, counted the same way. Art. 12(3) requires telling the person, with the reasons, within the first month: --told records the day you did (default today). Too late, a second time or without a reason: exit 2.")

    @OptionGroup var step: RequestStepOptions
    @Option(help: "Why more time is needed (the person is told).") var reason: String
    @Option(help: "The day the person was told of the extension and its reasons (YYYY-MM-DD); default today.") var told: String?

    func run() async throws {
        let told = try told.map { try parseDay($0, option: "--told") }
        try await step.run { register, id in
            try await register.extend(id, reason: reason, told: told)
        } saying: { request in
            "\(request.id) extended: due \(request.due) (was \(request.firstDue)); person told \(request.personTold.map(\.description) ?? "-")"
        }
    }
}

struct RequestCloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Close a request (answered, refused or nothing_held); releases its open_request hold.",
        usage: "privacyctl request close [<options>] <id> --outcome <outcome>")

    @OptionGroup var step: RequestStepOptions
    @Option(help: "answered, refused or nothing_held.") var outcome: String
    @Option(help: "A note for the record (for a refusal: the reasons, which the answer letter quotes).") var note: String?

    func validate() throws { _ = try choice(outcome, of: "--outcome") as RequestOutcome }

    func run() async throws {
        let decided: RequestOutcome = try choice(outcome, of: "--outcome")
        try await step.run { register, id in
            try await register.close(id, outcome: decided, note: note)
        } saying: { request in
            let late = request.closed! > request.due
            return "\(request.id) closed \(request.closed!) (\(decided.rawValue))\(late ? ", \(request.due.days(to: request.closed!)) days after its deadline \(request.due)" : "")"
        }
    }
}

struct RequestVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Record how and when the person's identity was checked (Art. 12(6)).",
        usage: "privacyctl request verify [<options>] <id> --how <how>")

    @OptionGroup var step: RequestStepOptions
    @Option(help: "in_person, email_reply, postal_reply, callback, consent_id or signed_letter.") var how: String
    @Option(help: "The day of the check (YYYY-MM-DD); default today.") var on: String?

    func validate() throws { _ = try choice(how, of: "--how") as IdentityCheck }

    func run() async throws {
        let day = try on.map { try parseDay($0, option: "--on") }
        let check: IdentityCheck = try choice(how, of: "--how")
        try await step.run { register, id in
            try await register.verifyIdentity(id, how: check, on: day)
        } saying: { request in
            "\(request.id): identity checked (\(check.rawValue)) on \(request.identityVerifiedOn!)"
        }
    }
}

/// What each step on one registered request takes (extend, close, verify): where the files are,
/// `--json`, and the request's id.
struct RequestStepOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The request's id (RQ-…).") var id: String

    /// Runs `step` on the register and prints the request it returns: as JSON with `--json`, else
    /// the one line `saying` makes of it.
    func run(_ step: (RequestRegister, String) async throws -> DataRequest, saying: (DataRequest) -> String) async throws {
        let (_, register, _) = try openRegister(global)
        let request = try await step(register, id)
        if output.json { return try Output.json(request) }
        Output.line(saying(request))
    }
}

/// `--request RQ-…` on the commands that answer a request: checked before the run, linked after it.
struct RequestLinkOption: ParsableArguments {
    @Option(name: .customLong("request"), help: "The request (RQ-…) this run answers; it is linked in the register.")
    var request: String?

    /// Exit 3 for an unknown request, 2 for one about another person, before any work is done.
    func check(_ global: GlobalOptions, subjectHash: String?) async throws {
        guard let request else { return }
        let (_, register, _) = try openRegister(global)
        if let subjectHash { try await register.checkLink(request, subjectHash: subjectHash) } else { _ = try await register.get(request) }
    }

    func link(_ global: GlobalOptions, _ action: RequestAction, subjectHash: String?, details: [String: String]) async throws {
        guard let request else { return }
        let (_, register, _) = try openRegister(global)
        try await register.record(action, for: request, subjectHash: subjectHash, details: details)
    }
}

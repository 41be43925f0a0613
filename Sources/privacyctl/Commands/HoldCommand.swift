import ArgumentParser
import Consent

struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Keep records from the purge: an open request or a legal hold (reported by every purge).",
        subcommands: [HoldAddCommand.self, HoldListCommand.self, HoldReleaseCommand.self])
}

struct HoldAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Place a hold on a contact request or a consent.",
        usage: "privacyctl hold add [<options>] --reference <ref>\nprivacyctl hold add [<options>] --consent-id <id>")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "A contact request's reference (CR-…).") var reference: String?
    @Option(name: .customLong("consent-id"), help: "A consent id.") var consentID: String?
    @Option(help: "open_request or legal_hold.") var kind: String = "legal_hold"
    @Option(help: "Why (no personal data needed).") var reason: String?
    @Option(help: "The last day the hold keeps anything (YYYY-MM-DD, policy time zone); after it the hold is expired and reported.")
    var until: String?

    func validate() throws {
        guard (reference == nil) != (consentID == nil) else { throw ValidationError("give exactly one of --reference and --consent-id") }
        guard HoldKind(rawValue: kind) != nil, kind != HoldKind.restriction.rawValue, kind != HoldKind.objection.rawValue else {
            throw ValidationError("--kind must be open_request or legal_hold (restriction and objection holds are placed by `privacyctl request restrict` and `request object`)")
        }
    }

    func run() async throws {
        let book = HoldBook(store: try global.openExistingStore(), clock: try global.clock())
        // Through the whole day named: the hold ends at the first instant of the next day.
        let end = try until.map { try parseDay($0, option: "--until").adding(days: 1).start(in: try global.loadPolicy().timeZone) }
        if let end, end <= (try global.clock()).now() { throw CommandFailure(.usage, "--until \(until!) has already passed") }
        let hold = try await book.add(subjectKind: reference != nil ? .contactRequest : .consent,
                                      subject: reference ?? consentID!, kind: HoldKind(rawValue: kind)!, reason: reason, until: end)
        if output.json { return try Output.json(hold) }
        Output.line("hold \(hold.id ?? 0) placed (\(hold.kind)); release it with `privacyctl hold release \(hold.id ?? 0)`")
    }
}

struct HoldListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the holds.",
        usage: "privacyctl hold list [<options>]")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let clock = try global.clock()
        let holds = try await HoldBook(store: try global.openExistingStore(), clock: clock).list()
        if output.json { return try Output.json(holds) }
        if holds.isEmpty { return Output.line("no holds") }
        Output.table(["id", "kind", "on", "subject", "since", "until", "reason"], holds.map { h in
            [String(h.id ?? 0), h.kind, h.subjectKind, h.subject, Timestamp.format(millis: h.createdAt),
             h.until.map { Timestamp.format(millis: $0) + (h.isActive(at: clock.now()) ? "" : " (EXPIRED: keeps nothing)") } ?? "-",
             h.reason ?? ""]
        })
    }
}

struct HoldReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Release a hold; the records fall under the retention rules again.",
        usage: "privacyctl hold release [<options>] <id>")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The hold's id (see `privacyctl hold list`).") var id: Int64

    func run() async throws {
        try await HoldBook(store: try global.openExistingStore(), clock: try global.clock()).release(id: id)
        Output.line("hold \(id) released")
    }
}

/// Expired holds keep nothing any more: `purge` says so on stderr, so that they are released or renewed.
enum HoldWarnings {
    static func emit(_ global: GlobalOptions, store: PrivacyDatabase) async {
        guard let clock = try? global.clock(), let expired = try? await HoldBook(store: store, clock: clock).expired() else { return }
        for h in expired {
            Output.note("privacyctl: warning: hold \(h.id ?? 0) (\(h.kind) on \(h.subjectKind)) expired \(Timestamp.format(millis: h.until ?? 0)) and keeps nothing; release it or add a new one")
        }
    }
}

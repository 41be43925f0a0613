import ArgumentParser
import Consent
import Foundation
import Vault

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Look up, revoke and count consent choices.",
        subcommands: [ConsentShowCommand.self, ConsentHistoryCommand.self, ConsentRevokeCommand.self, ConsentStatsCommand.self])
}

/// Parses a consent id at the edge: a malformed one can't exist, so it is "not found" (exit 3).
func parseConsentID(_ text: String) throws -> ConsentID {
    guard let id = ConsentID(text) else {
        throw CommandFailure(.notFound, "consent \(text) not found: a consent id is 8–64 letters, digits, '_' or '-' (the banner shows it in its settings)")
    }
    return id
}

/// `privacyctl consent show ID`
struct ConsentShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the current state of a consent (its latest entry).",
        usage: "privacyctl consent show [<options>] <id>",
        discussion: """
            With --texts, prints instead the exact texts the latest entry was recorded under (banner texts, banner script strings, purposes and services, in the language shown), as the database kept them when the policy version was first served, also after the policy file changed. An entry recorded before the engine kept texts exits 3. See docs/texts.md.

            Examples:
              privacyctl consent show Zk3x… --texts
              privacyctl consent show Zk3x… --texts --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The consent id (from the banner's settings, or the visitor's letter).") var id: String
    @Flag(help: "Print the texts the latest entry was recorded under instead of its state.") var texts = false

    func run() async throws {
        let consentID = try parseConsentID(id)
        if texts { return try await ConsentTextsOutput.print(consentID, store: try global.openExistingStore(), json: output.json) }
        let ledger = ConsentLedger(store: try global.openExistingStore(), policy: try global.loadPolicy(), clock: try global.clock())
        let state = try await ledger.current(consentID)
        if output.json { return try Output.json(state) }
        Output.table(["field", "value"], [
            ["consent id", state.consentID],
            ["method", state.method + (state.source == "dpo" ? " (by the DPO)" : "")],
            ["recorded at", state.recordedAt],
            ["expires at", state.expiresAt ?? "-"],
            ["policy version", state.policyVersion + (state.policyOutdated ? " (outdated: the banner asks again)" : "")],
            ["expired", state.expired ? "yes (the banner asks again)" : "no"],
        ] + state.purposes.keys.sorted().map { ["purpose \($0)", state.purposes[$0]! ? "granted" : "refused"] }
          + state.services.keys.sorted().map { ["service \($0)", state.services[$0]! ? "granted" : "refused"] }
          + [["global privacy control", state.gpc ? (state.gpcConflict ? "on (conflicts with accept_all)" : "on") : "off"],
             ["receipt", "#\(state.receipt.sequence) \(state.receipt.entryHash)"]])
    }
}

/// `privacyctl consent history ID`
struct ConsentHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List every ledger entry of a consent, oldest first.",
        usage: "privacyctl consent history [<options>] <id>")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The consent id.") var id: String

    func run() async throws {
        let consentID = try parseConsentID(id)
        let ledger = ConsentLedger(store: try global.openExistingStore(), policy: try global.loadPolicy(), clock: try global.clock())
        let entries = try await ledger.history(consentID)
        if output.json { return try Output.json(entries.map { Named(consentID: consentID.rawValue, entry: $0) }) }
        Output.table(["#", "recorded at", "method", "source", "choices", "policy", "ip prefix", "reason"], entries.map { e in
            [String(e.sequence), e.recordedAt, e.method ?? "(erased)", e.source ?? "-",
             e.purposes.keys.sorted().map { "\($0)=\(e.purposes[$0]! ? "yes" : "no")" }.joined(separator: " "),
             e.policyVersion ?? "-", e.ipPrefix ?? "-", e.reason ?? ""]
        })
    }

    /// An entry of `--json`, with the consent id it belongs to (an entry erased or anonymised
    /// no longer holds the id itself, but it is still the history that was asked for).
    struct Named: Encodable {
        var consentID: String
        var entry: HistoryEntry

        enum CodingKeys: String, CodingKey { case consentID = "consent_id" }

        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(consentID, forKey: .consentID)
        }
    }
}

/// `privacyctl consent revoke ID [--reason TEXT]`
struct ConsentRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Withdraw a consent on the person's behalf (letter, phone, office visit).",
        usage: "privacyctl consent revoke [<options>] <id>",
        discussion: "Records a new ledger entry with method 'withdraw' and your reason; the history stays (Art. 7(1): proof).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The consent id.") var id: String
    @Option(help: "Why, for the record: e.g. \"letter of 2025-03-02\" (no personal data needed).") var reason: String?
    @OptionGroup var link: RequestLinkOption

    func validate() throws {
        if let reason, reason.count > 500 { throw ValidationError("--reason is longer than 500 characters") }
    }

    func run() async throws {
        let consentID = try parseConsentID(id)
        let ledger = ConsentLedger(store: try global.openExistingStore(), policy: try global.loadPolicy(), clock: try global.clock())
        let subject = (try? global.blindIndex()).map { $0.subjectHash(.consentID(consentID)) }
        try await link.check(global, subjectHash: nil)
        let state = try await ledger.withdraw(consentID, provenance: .none, source: .dpo, reason: reason,
                                              audit: AuditNote(action: "consent.revoke", subject: subject))
        try await link.link(global, .revoke, subjectHash: nil, details: ["sequence": String(state.receipt.sequence)])
        if output.json { return try Output.json(state) }
        Output.line("consent \(state.consentID) withdrawn at \(state.recordedAt) (entry #\(state.receipt.sequence))")
    }
}

/// `privacyctl consent stats [--since DATE]`
struct ConsentStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Count choices per day (policy time zone), method and purpose.",
        usage: "privacyctl consent stats [<options>]")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var since: SinceOption

    func run() async throws {
        let policy = try global.loadPolicy()
        let from = try since.start(policy: policy)
        let ledger = ConsentLedger(store: try global.openExistingStore(), policy: policy, clock: try global.clock())
        let rows = try await ledger.stats(since: from)
        if output.json { return try Output.json(rows) }
        let purposes = policy.consent.purposes.map(\.id)
        Output.table(["day", "method", "choices"] + purposes.map { "\($0) granted" }, rows.map { r in
            [r.day, r.method, String(r.choices)] + purposes.map { String(r.granted[$0] ?? 0) }
        })
    }
}

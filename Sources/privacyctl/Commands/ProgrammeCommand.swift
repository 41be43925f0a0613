import ArgumentParser
import Consent
import Foundation

struct ProgrammeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme", abstract: "Where the programme and its wind-down stand.",
        subcommands: [ProgrammeStatusCommand.self])
}

/// `privacyctl programme status`: a quick stock-take.
struct ProgrammeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "A quick stock-take: what is held, what would stop the wind-down, which steps are done.",
        usage: "privacyctl programme status [<options>]",
        discussion: "Reads only; needs no passphrase. The wind-down itself: `privacyctl wind-down --dry-run`.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let policy = try global.loadPolicy()
        let status = try await ProgrammeStatus.read(store: try global.openExistingStore(), policy: policy, now: try global.clock().now())
        let vaultKey = FileManager.default.fileExists(atPath: global.keyDirectory.secretKeyPath())
        if output.json {
            struct WithKeys: Encodable {
                var status: ProgrammeStatus
                var vaultKeyPresent: Bool
                func encode(to encoder: any Encoder) throws {
                    try status.encode(to: encoder)
                    var c = encoder.container(keyedBy: K.self)
                    try c.encode(vaultKeyPresent, forKey: .vaultKeyPresent)
                }
                enum K: String, CodingKey { case vaultKeyPresent = "vault_key_present" }
            }
            return try Output.json(WithKeys(status: status, vaultKeyPresent: vaultKey))
        }
        let s = status.stock
        Output.table(["item", "value"], [
            ["programme end", status.programmeEnd + (status.ended ? " (ended)" : "")],
            ["contact form", status.contactFormOpen ? "open" : "closed"],
            ["consent collection", status.consentCollectionOpen ? "open" + (status.consentCollectionEnds.map { " until \($0)" } ?? "") : "ended"],
            ["grace period ends", status.graceEnds],
            ["contact requests (sealed)", String(s.contactRequests)],
            ["consent entries", s.consentEntriesByMethod.keys.sorted().map { "\($0) \(s.consentEntriesByMethod[$0]!)" }.joined(separator: ", ").nonEmptyOr("0")],
            ["audit entries", String(s.auditEntries)],
            ["holds", String(s.holds.count)],
            ["open requests", String(s.openRequests.count)],
            ["archive offer", status.archiveOffer.isEmpty ? "none required" : status.archiveOffer.joined(separator: ", ") + " — " + (status.archiveDecision.map { "\($0.decision.rawValue) (\($0.reference))" } ?? "no decision yet")],
            ["wind-down steps", WindDownStep.allCases.compactMap { st in status.windDownSteps[st.rawValue].map { "\(st.rawValue) \($0)" } }.joined(separator: ", ").nonEmptyOr("none")],
            ["vault.key", vaultKey ? "present" : "absent"],
        ])
        if !status.blockers.isEmpty {
            Output.line()
            Output.line("would stop the wind-down now:")
            for b in status.blockers { Output.line("  " + b) }
        }
    }
}

extension String {
    func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}

import ArgumentParser
import Consent

/// `privacyctl keys destroy [--force]`
struct KeysDestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Crypto-shredding: overwrite and remove vault.key (and vault.key.next) once no sealed record needs it.",
        usage: "privacyctl keys destroy [<options>]",
        discussion: """
            Refuses (exit 1, naming how many) while sealed records exist. --force destroys the key anyway, but only after the wind-down's archive step: the records left can then never be opened again. The files are overwritten with zeros, synced and unlinked; vault.pub stays (it opens nothing). Recorded in the audit log and in the deletion report (run `privacyctl wind-down` again to issue it).

            Example:
              privacyctl keys destroy
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Destroy the key although sealed records remain (only after the wind-down's archive step).") var force = false

    func run() async throws {
        let result = try await KeyDestruction(store: try global.openExistingStore(), keys: global.keyDirectory, clock: try global.clock())
            .run(force: force)
        if output.json { return try Output.json(result) }
        Output.line("destroyed \(result.files.joined(separator: ", ")) in \(global.keyDirectory.path)\(result.keyID.map { " (key \($0))" } ?? "")")
        if result.forced {
            Output.note("privacyctl: warning: \(result.sealedRemaining) sealed records remain and can never be opened again")
        }
    }
}

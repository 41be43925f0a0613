import ArgumentParser
import Consent
import Vault

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, rotate or destroy the vault's key pair.",
        subcommands: [KeysInitCommand.self, KeysRotateCommand.self, KeysDestroyCommand.self])
}

/// `privacyctl keys init`
struct KeysInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a key pair: vault.pub (for the server) and vault.key (wrapped with your passphrase).",
        discussion: "Refuses to overwrite an existing pair; use `privacyctl keys rotate` to replace it.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let keys = global.keyDirectory
        if keys.hasKeys() {
            throw Failure(.failed, "\(keys.path) already holds a key pair; keeping it. To replace it, run `privacyctl keys rotate`")
        }
        let id = try Self.makeKeys(global)
        Output.line("new key pair \(id) in \(keys.path)")
    }

    static func makeKeys(_ global: GlobalOptions) throws -> KeyID {
        let passphrase = try global.passphrase(confirm: true)
        let pair = try VaultKeyPair.generate()
        try global.keyDirectory.write(keyPair: pair, indexKey: try IndexKey.generate(), passphrase: passphrase)
        return pair.id
    }
}

/// `privacyctl keys rotate`
struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the key pair and re-seal every stored record to the new one.",
        discussion: """
            Afterwards the old secret key is no longer needed. Interrupted? Run it again: it resumes
            where it stopped (the new pair waits in vault.key.next until every record is re-sealed).
            A running server picks up the new public key by itself.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let store = try global.openExistingStore()
        let progress = Progress()
        let report = try await KeyRotation(store: store, keys: global.keyDirectory, clock: try global.clock())
            .run(passphrase: try global.passphrase()) { done, total in progress.update("re-sealing", done, total) }
        progress.finish()
        if output.json { return try Output.json(report) }
        Output.line("rotated \(report.oldKeyID) → \(report.newKeyID)\(report.resumed ? " (resumed)" : ""): \(report.resealed) records re-sealed")
    }
}

import ArgumentParser
import Consent
import Vault

/// `privacyctl init`: the database (migrations) and, unless present, the key pair.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database and, unless present, the key pair.",
        discussion: """
            Safe to run again: migrations only add what is missing, and existing keys are kept.
            The secret key is wrapped with your passphrase (Argon2id); keep the passphrase safe,
            without it no contact request can be read.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.loadPolicy()
        let store = try global.openStore()
        Output.line("database: \(store.path) (schema up to date)")
        let keys = global.keyDirectory
        if keys.hasKeys() {
            _ = try keys.loadPublic()
            Output.line("keys: kept the existing pair in \(keys.path)")
        } else {
            let id = try KeysInitCommand.makeKeys(global)
            Output.line("keys: new pair \(id) in \(keys.path) (vault.pub for the server, vault.key for the DPO)")
        }
    }
}

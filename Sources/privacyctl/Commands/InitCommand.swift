import ArgumentParser
import Consent
import Vault

/// `privacyctl init`: the database (migrations) and, unless present, the key pair.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database and, unless present, the key pair.",
        usage: "privacyctl init [<options>]",
        discussion: """
            Safe to run again: migrations only add what is missing, and existing keys are kept (a key folder without audit.key gets one, and vault.pub is pinned). The secret key is wrapped with your passphrase (Argon2id); keep the passphrase safe, without it no contact request can be read.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.loadPolicy()
        let store = try global.openStore()
        Output.line("database: \(store.path) (schema up to date)")
        let keys = global.keyDirectory
        if keys.hasKeys() {
            let (publicKey, _) = try keys.loadPublic()
            Output.line("keys: kept the existing pair in \(keys.path)")
            if !keys.hasAuditKeys() {
                let passphrase = try global.passphrase()
                _ = try keys.loadKeyPair(passphrase: passphrase)
                let verifier = try AuditSigning.makeKeys(global, passphrase: passphrase)
                _ = try await AuditSigning.pinVaultKey(global, store: store, passphrase: passphrase)
                Output.line("keys: new audit key \(verifier.encoded) (audit.pub; audit.key for the DPO); vault.pub pinned")
            } else if try !VaultKeyPins(store: store).isPinned(publicKey, verifier: keys.loadAuditVerifier()) {
                _ = try await AuditSigning.pinVaultKey(global, store: store, passphrase: try global.passphrase())
                Output.line("keys: vault.pub pinned")
            }
        } else {
            let passphrase = try global.passphrase(confirm: true)
            let id = try KeysInitCommand.makeKeys(global, passphrase: passphrase)
            let verifier = keys.hasAuditKeys() ? try keys.loadAuditVerifier() : try AuditSigning.makeKeys(global, passphrase: passphrase)
            _ = try await AuditSigning.pinVaultKey(global, store: store, passphrase: passphrase)
            Output.line("keys: new pair \(id) in \(keys.path) (vault.pub for the server, vault.key for the DPO)")
            Output.line("keys: audit key \(verifier.encoded) (audit.pub to check checkpoints; audit.key signs them); vault.pub pinned")
        }
    }
}

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
        abstract: "Make the key pairs: vault.pub/vault.key (sealing) and audit.pub/audit.key (signing checkpoints).",
        usage: "privacyctl keys init [<options>]",
        discussion: """
            Both secret keys are wrapped with your passphrase. The fingerprint of vault.pub is pinned in the database, signed with audit.key: the server seals only to a pinned key. Refuses to overwrite an existing pair; use `privacyctl keys rotate` to replace it. A key folder made before checkpoints existed gets audit.key and audit.pub added, and its vault pair is kept (the passphrase must open vault.key).
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let keys = global.keyDirectory
        if keys.hasKeys() {
            guard !keys.hasAuditKeys() else {
                throw CommandFailure(.failed, "\(keys.path) already holds a key pair; keeping it. To replace it, run `privacyctl keys rotate`")
            }
            let passphrase = try global.passphrase()
            // The same passphrase as vault.key: check it opens that file before writing audit.key.
            _ = try keys.loadKeyPair(passphrase: passphrase)
            let verifier = try AuditSigning.makeKeys(global, passphrase: passphrase)
            let pinned = try await AuditSigning.pinVaultKey(global, store: try global.openStore(), passphrase: passphrase)
            Output.line("kept the vault pair \(pinned.id); new audit key \(verifier.encoded) in \(keys.path); vault.pub pinned")
            return
        }
        let passphrase = try global.passphrase(confirm: true)
        let id = try Self.makeKeys(global, passphrase: passphrase)
        let verifier = keys.hasAuditKeys() ? try keys.loadAuditVerifier() : try AuditSigning.makeKeys(global, passphrase: passphrase)
        _ = try await AuditSigning.pinVaultKey(global, store: try global.openStore(), passphrase: passphrase)
        Output.line("new key pair \(id) in \(keys.path); audit key \(verifier.encoded); vault.pub pinned")
    }

    static func makeKeys(_ global: GlobalOptions, passphrase: Passphrase) throws -> KeyID {
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
        usage: "privacyctl keys rotate [<options>]",
        discussion: """
            Afterwards the old secret key is no longer needed. Interrupted? Run it again: it resumes where it stopped (the new pair waits in vault.key.next until every record is re-sealed). A running server picks up the new public key by itself: the new key is pinned (signed with audit.key) before it replaces vault.pub.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let store = try global.openExistingStore()
        let progress = ProgressReporter()
        let passphrase = try global.passphrase()
        let (signer, name) = try AuditSigning.load(global, passphrase: passphrase)
        let pins = VaultKeyPins(store: store)
        let clock = try global.clock()
        let report = try await KeyRotation(store: store, keys: global.keyDirectory, clock: clock)
            .run(passphrase: passphrase, pin: { key in try await pins.pin(key, signer: signer, signerName: name, at: clock.now()) },
                 progress: { done, total in progress.update("re-sealing", done, total) })
        progress.finish()
        if output.json { return try Output.json(report) }
        Output.line("rotated \(report.oldKeyID) → \(report.newKeyID)\(report.resumed ? " (resumed)" : ""): \(report.resealed) records re-sealed")
    }
}

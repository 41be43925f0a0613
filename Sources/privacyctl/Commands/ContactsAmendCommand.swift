import ArgumentParser
import Consent
import Foundation
import Vault

/// `privacyctl contacts amend REF …` (Art. 16)
struct ContactsAmendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend", abstract: "Correct a contact request (Art. 16): re-sealed, the old version gone from file and WAL.",
        discussion: """
            Give only the fields to correct; they are validated like the contact form. The request is sealed afresh under the same reference, the old ciphertext is overwritten (secure_delete) and the WAL truncated. The audit log records which fields changed, never their values.

            Example:
              privacyctl contacts amend CR-… --email new@example.org --request RQ-…
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var link: RequestLinkOption
    @Argument(help: "The contact request's reference (CR-…).") var reference: String
    @Option var name: String?
    @Option var email: String?
    @Option var phone: String?
    @Option var message: String?
    @Option(name: .customLong("callback-time")) var callbackTime: String?

    func run() async throws {
        let (store, archive, index) = try openArchive(global)
        try await link.check(global, subjectHash: nil)
        let (publicKey, _) = try global.keyDirectory.loadPublic()
        let report = try await Rectification(store: store, archive: archive, sealer: Sealer(publicKey: publicKey), index: index,
                                             clock: try global.clock())
            .amend(reference: reference, correction: ContactCorrection(name: name, email: email, phone: phone, message: message,
                                                                       callbackTime: callbackTime))
        try await link.link(global, .amend, subjectHash: nil, details: ["reference": reference, "fields": report.fields.joined(separator: ",")])
        if output.json { try Output.json(report) } else {
            Output.line("\(reference) amended: \(report.fields.isEmpty ? "nothing changed" : report.fields.joined(separator: ", "))")
        }
        guard report.walTruncated else {
            throw CommandFailure(.failed, "the correction is committed, but the WAL could not be emptied while other connections read; run `privacyctl purge` shortly")
        }
    }
}

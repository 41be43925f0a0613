import ArgumentParser
import Consent
import Foundation

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Check a consent receipt (from GET /v1/consents/{id}/receipt) offline.",
        subcommands: [ReceiptVerifyCommand.self])
}

/// `privacyctl receipt verify FILE`
struct ReceiptVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a saved receipt with audit.pub: the leaf hash, the checkpoint's signature, the inclusion proof.",
        usage: "privacyctl receipt verify [<options>] <file>",
        discussion: """
            Needs no database and no passphrase: only audit.pub (from --key-dir). Exits 0 when the receipt's entry is in the consent ledger as the signed checkpoint shows it, or 4 naming the step that failed (a pending receipt, fetched before any checkpoint covered its entry, fails too: fetch it again after the next `privacyctl audit checkpoint`). The steps are in docs/transparency-log.md.

            Example:
              privacyctl receipt verify consent-receipt.json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The receipt file (JSON).", valueName: "file")) var file: String

    struct Verified: Encodable {
        var ok: Bool
        var consentID: String
        var sequence: Int64
        var treeSize: Int64
        var origin: String

        enum CodingKeys: String, CodingKey {
            case ok, sequence, origin, consentID = "consent_id", treeSize = "tree_size"
        }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure(.usage, "cannot read the receipt file \(file)") }
        let receipt: Receipt
        do {
            receipt = try JSONDecoder().decode(Receipt.self, from: data)
        } catch {
            throw CommandFailure(.integrity, "\(file) is not a receipt (JSON with consent_id, sequence, leaf_index, leaf, leaf_hash …)")
        }
        let verifier = try global.keyDirectory.loadAuditVerifier()
        let checkpoint = try ReceiptVerifier.verify(receipt, verifier: verifier)
        let verified = Verified(ok: true, consentID: receipt.consentID, sequence: receipt.sequence, treeSize: checkpoint.treeSize, origin: checkpoint.origin)
        if output.json { return try Output.json(verified) }
        Output.line("OK: entry \(receipt.sequence) of consent \(receipt.consentID) is in \(checkpoint.origin) at tree size \(checkpoint.treeSize), signed by \(verifier.name)")
    }
}

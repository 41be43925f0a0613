import ArgumentParser
import Consent
import Foundation

/// `privacyctl policy render notice|ropa [--lang de|en] [--format md|html] [--out FILE]`
struct PolicyRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write the privacy notice (Art. 13) or the record of processing activities (Art. 30) from the policy.",
        usage: "privacyctl policy render [<options>] <document>",
        discussion: """
            Both documents are generated from the policy file alone, so they say what the banner, the export and the server's /datenschutz page say. The notice names the controller, the DPO, each processing with its one legal basis, recipients, third-country transfers, storage periods with their reasons, whether giving the data is required, the rights that follow from each basis, the right to object set apart (Art. 21(4)), the complaint to the supervisory authority and that no automated decision is taken. The record (ropa) has one entry per processing with the items of Art. 30(1) and the Art. 32 measures the engine takes.

            Examples:
              privacyctl policy render notice --format html --out datenschutz.html
              privacyctl policy render ropa --lang de --format md
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Which document: notice (Art. 13 privacy notice) or ropa (Art. 30 record of processing activities).")
    var document: DocumentKind
    @Option(help: "Language: de or en.") var lang: String = "de"
    @Option(help: "Format: md (Markdown) or html (a complete page).") var format: DocumentFormat = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws {
        guard ["de", "en"].contains(lang) else { throw ValidationError("--lang must be de or en, not '\(lang)'") }
    }

    struct Rendered: Encodable {
        var document: String
        var language: String
        var format: String
        var policyVersion: String
        var content: String
        enum CodingKeys: String, CodingKey { case document, language, format, content, policyVersion = "policy_version" }
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        let text = DocumentWriter.render(policy.document(document, language: lang), as: format)
        if let out {
            let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CommandFailure(.failed, "cannot write \(out): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let data = Data(text.utf8)
            let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else { throw CommandFailure(.failed, "cannot write \(out): short write") }
        }
        if output.json {
            return try Output.json(Rendered(document: document.rawValue, language: lang, format: format.rawValue,
                                            policyVersion: policy.version, content: text))
        }
        if out == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
        else { Output.line("wrote \(out!): \(document.rawValue), \(lang), \(format.rawValue)") }
    }
}

extension DocumentKind: ExpressibleByArgument {}
extension DocumentFormat: ExpressibleByArgument {}

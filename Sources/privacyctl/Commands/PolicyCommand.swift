import ArgumentParser
import Consent

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Validate a policy file; render the documents generated from it.",
        subcommands: [PolicyCheckCommand.self, PolicyRenderCommand.self])
}

/// `privacyctl policy check [FILE]`
struct PolicyCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a policy file; every error names the file, the line and the rule broken.",
        usage: "privacyctl policy check [<options>] [<file>]",
        discussion: "Without FILE, checks the policy given by --policy (or PRIVACY_POLICY). The schema is in policies/README.md.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The policy file to check.") var file: String?

    struct Report: Encodable {
        var file: String
        var ok: Bool
        var policyVersion: String?
        var issues: [Issue]
        struct Issue: Encodable { var line: Int; var column: Int; var rule: String; var message: String }
        enum CodingKeys: String, CodingKey { case file, ok, issues, policyVersion = "policy_version" }
    }

    func run() async throws {
        let path = file ?? global.policyPath
        let policy: Policy
        do {
            policy = try PolicyParser.load(path: path)
        } catch {
            if output.json {
                try Output.json(Report(file: path, ok: false, policyVersion: nil,
                                       issues: error.issues.map { .init(line: $0.line, column: $0.column, rule: $0.rule, message: $0.message) }))
                throw ExitCode(CommandFailure.Code.usage.rawValue)
            }
            throw CommandFailure(.usage, "\(error.issues.count) problem\(error.issues.count == 1 ? "" : "s") in the policy:\n" + error.description)
        }
        do {
            if output.json {
                try Output.json(Report(file: path, ok: true, policyVersion: policy.version, issues: []))
            } else {
                Output.line("\(path): OK (policy version \(policy.version), \(policy.consent.purposes.count) purposes, \(policy.retention.count) retention rules)")
            }
        }
    }
}

import Foundation

/// One thing wrong with a policy file: where, which rule, what.
public struct PolicyIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The rule broken, a short stable name: `unknown-key`, `missing-key`, `bad-date`, `bad-duration`,
    /// `unknown-purpose`, `missing-data-kind`, …
    public var rule: String
    public var message: String

    public var description: String { "\(file):\(line):\(column): error [\(rule)]: \(message)" }
}

/// The policy file could not be read or breaks rules.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public var issues: [PolicyIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

import Foundation

/// Why the kept texts of a policy version cannot be used as asked.
public enum PolicyTextsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The policy's texts differ from those kept for the same `policy_version` (exit 2): entries
    /// already recorded under that version point to the kept texts, so the version must change.
    case changed(version: String, language: String, keptAt: String, differences: [String])
    /// The entry's texts were never kept: it was recorded before the engine kept texts (exit 3).
    case notKept(consentID: String, sequence: Int64, policyVersion: String?, recordedAt: String, textsHash: String?)
    /// The kept document does not hash to its address: it was edited in the database (exit 4).
    case corrupt(textsHash: String, problem: String)

    public var description: String {
        switch self {
        case let .changed(version, language, keptAt, differences):
            """
            the policy's texts for policy_version \(version) (language \(language)) differ from those kept in the database since \(keptAt): \(differences.isEmpty ? "the texts differ" : differences.joined(separator: ", ")).
            Consents recorded under \(version) prove the kept texts, so one version cannot mean two texts. Fix: set a new `policy_version` in the policy file (the banner then asks every visitor again), or restore the texts of \(version).
            """
        case let .notKept(consentID, sequence, version, recordedAt, hash):
            "the texts of consent \(consentID) (entry #\(sequence), recorded \(recordedAt) under policy_version \(version ?? "-")) were never kept in the database: "
                + "the entry was recorded before this engine kept policy texts. Its texts_hash \(hash ?? "-") (format texts-v1, see docs/texts.md) can still be checked against the policy file of that time."
        case let .corrupt(hash, problem):
            "the kept texts \(hash) do not verify: \(problem); the database was edited outside the engine"
        }
    }
}

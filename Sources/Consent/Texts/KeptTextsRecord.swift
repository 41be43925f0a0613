import Foundation
import GRDB

/// One row of `policy_texts`: the canonical texts document of one policy version in one language,
/// addressed by its hash. Written only by ``PolicyTextArchive``; never updated, never purged (the
/// consent records that point to it are the proof Art. 7(1) asks for, and it holds no personal data).
struct KeptTextsRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "policy_texts"

    /// BLAKE2b-256 of `document`'s UTF-8 bytes: the `texts_hash` of the ledger entries.
    var textsHash: Data
    var policyVersion: String
    var language: String
    /// The canonical `texts-v2` JSON document (see `docs/texts.md`).
    var document: String
    /// When the engine first kept it (ms since 1970).
    var keptAt: Int64

    enum CodingKeys: String, CodingKey {
        case language, document
        case textsHash = "texts_hash", policyVersion = "policy_version", keptAt = "kept_at"
    }
}

import Foundation
import GRDB
import Vault

/// Keeps the complete texts of every policy version the engine has shown, addressed by `texts_hash`
/// (table `policy_texts`, one row per version and language).
///
/// `serve` keeps them at start, before it answers (``keep(_:at:)``); every command that records a
/// ledger entry keeps the entry's texts in the same transaction (``keep(_:at:_:)``). Texts once kept
/// for a version never change: different texts under the same `policy_version` are refused.
///
/// ```swift
/// let report = try await PolicyTextArchive(store: store).keep(policy, at: clock.now())
/// let kept = try await PolicyTextArchive(store: store).texts(of: consentID)
/// ```
public struct PolicyTextArchive: Sendable {
    let store: PrivacyDatabase

    public init(store: PrivacyDatabase) { self.store = store }

    /// Which languages of a version were kept now and which had been kept before.
    public struct KeepReport: Sendable, Equatable {
        public var policyVersion: String
        public var keptNow: [String]
        public var keptBefore: [String]
    }

    /// Keeps the texts of `policy` in every language, in one transaction; throws
    /// ``PolicyTextsError/changed(version:language:keptAt:differences:)`` (and keeps nothing) when a
    /// language's texts differ from those kept for the same version.
    public func keep(_ policy: Policy, at instant: Date) async throws -> KeepReport {
        let snapshots = policy.textLanguages.map { TextsSnapshot(policy.texts(language: $0)) }
        let millis = Timestamp.millis(instant)
        return try await store.pool.write { db in
            var report = KeepReport(policyVersion: policy.version, keptNow: [], keptBefore: [])
            for snapshot in snapshots {
                if try Self.keep(snapshot, at: millis, db) {
                    report.keptNow.append(snapshot.texts.language)
                } else {
                    report.keptBefore.append(snapshot.texts.language)
                }
            }
            return report
        }
    }

    /// Keeps `snapshot` inside the caller's transaction unless it is kept already.
    /// - Parameter carry: the group committer's, on the server's hot path: texts once found kept by
    ///   an earlier transaction are not looked up again (see ``GroupCommitter/Carry/keptTexts``).
    /// - Returns: `true` when it was kept now.
    @discardableResult
    static func keep(_ snapshot: TextsSnapshot, at millis: Int64, _ db: Database,
                     carry: GroupCommitter.Carry? = nil) throws -> Bool {
        if let carry, carry.keptTexts.contains(snapshot.hash) { return false }
        let known = try db.cachedStatement(sql: "SELECT 1 FROM policy_texts WHERE texts_hash = ?")
        if try Int.fetchOne(known, arguments: [snapshot.hash]) != nil {
            if let carry, !carry.textsWrittenInTransaction.contains(snapshot.hash) { carry.keptTexts.insert(snapshot.hash) }
            return false
        }
        let texts = snapshot.texts
        if let other = try KeptTextsRecord.fetchOne(
            db, sql: "SELECT * FROM policy_texts WHERE policy_version = ? AND language = ?",
            arguments: [texts.policyVersion, texts.language]) {
            let kept = try? JSONDecoder().decode(PolicyTexts.self, from: Data(other.document.utf8))
            throw PolicyTextsError.changed(
                version: texts.policyVersion, language: texts.language,
                keptAt: Timestamp.format(millis: other.keptAt),
                differences: kept.map { texts.differences(from: $0) } ?? [])
        }
        try KeptTextsRecord(textsHash: snapshot.hash, policyVersion: texts.policyVersion, language: texts.language,
                            document: String(decoding: snapshot.document, as: UTF8.self), keptAt: millis).insert(db)
        carry?.textsWrittenInTransaction.insert(snapshot.hash)
        return true
    }

    /// The texts a consent's latest entry was recorded under, checked against their hash.
    /// Throws ``ConsentError/notFound(what:)`` for an unknown consent and
    /// ``PolicyTextsError/notKept(consentID:sequence:policyVersion:recordedAt:textsHash:)`` for an
    /// entry recorded before texts were kept.
    public func texts(of id: ConsentID) async throws -> KeptTexts {
        try await store.pool.read { db in
            guard let entry = try ConsentLedger.latest(id, db) else { throw ConsentError.notFound(what: "consent \(id)") }
            let recordedAt = Timestamp.format(millis: entry.recordedAt)
            let hashHex = entry.textsHash.map { Digest.hex([UInt8]($0)) }
            guard let hash = entry.textsHash,
                  let row = try KeptTextsRecord.fetchOne(db, sql: "SELECT * FROM policy_texts WHERE texts_hash = ?", arguments: [hash])
            else {
                throw PolicyTextsError.notKept(consentID: id.rawValue, sequence: entry.seq, policyVersion: entry.policyVersion,
                                               recordedAt: recordedAt, textsHash: hashHex)
            }
            let texts = try Self.checked(row)
            return KeptTexts(consentID: id.rawValue, sequence: entry.seq, recordedAt: recordedAt, method: entry.method,
                             textsHash: hashHex ?? "", keptAt: Timestamp.format(millis: row.keptAt), texts: texts)
        }
    }
}

extension PolicyTextArchive {
    /// The texts of `row`, after checking that its document hashes to its address, is a texts
    /// document and is in canonical form; else ``PolicyTextsError/corrupt(textsHash:problem:)``.
    static func checked(_ row: KeptTextsRecord) throws -> PolicyTexts {
        let bytes = Data(row.document.utf8)
        let hashHex = Digest.hex([UInt8](row.textsHash))
        guard Digest.blake2bData([UInt8](bytes)) == row.textsHash else {
            throw PolicyTextsError.corrupt(textsHash: hashHex, problem: "its document does not hash to its address")
        }
        let texts: PolicyTexts
        do { texts = try JSONDecoder().decode(PolicyTexts.self, from: bytes) } catch {
            throw PolicyTextsError.corrupt(textsHash: hashHex, problem: "its document is not a texts document (\(error))")
        }
        guard TextsSnapshot(texts).document == bytes else {
            throw PolicyTextsError.corrupt(textsHash: hashHex, problem: "its document is not in canonical form")
        }
        return texts
    }

    /// `audit verify`: every kept texts document checked as ``checked(_:)`` does; the problems
    /// found, one line each (empty when all verify), and how many were checked.
    public static func verifyKept(_ db: Database) throws -> (checked: Int, problems: [String]) {
        var problems: [String] = []
        var count = 0
        let rows = try KeptTextsRecord.fetchCursor(db, sql: "SELECT * FROM policy_texts ORDER BY kept_at, texts_hash")
        while let row = try rows.next() {
            count += 1
            do { _ = try checked(row) } catch { problems.append("kept texts of \(row.policyVersion)/\(row.language): \(error)") }
        }
        return (count, problems)
    }
}

/// What `privacyctl consent show ID --texts` reports: the entry and the exact texts it was recorded under.
public struct KeptTexts: Sendable, Codable, Equatable {
    public var consentID: String
    public var sequence: Int64
    public var recordedAt: String
    public var method: String?
    /// Lower-case hex of BLAKE2b-256 over the canonical document (the entry's `texts_hash`).
    public var textsHash: String
    /// When the engine first kept these texts.
    public var keptAt: String
    public var texts: PolicyTexts

    enum CodingKeys: String, CodingKey {
        case sequence, method, texts
        case consentID = "consent_id", recordedAt = "recorded_at", textsHash = "texts_hash", keptAt = "kept_at"
    }
}

import Foundation
import Vault
import GRDB

/// One row of the append-only consent ledger.
///
/// A change of mind is a new entry, never an update. Each entry carries the hash of the one before
/// it (`prevHash`) and its own (`entryHash` = BLAKE2b(prevHash ‖ seq ‖ contentHash)), so that an
/// edited, deleted or reordered entry is found by ``ConsentLedger/verify()``.
///
/// Erasure and retention *redact* an entry (its content columns become NULL, `redaction` says why)
/// but keep its sequence number and hashes: the chain of the remaining entries still verifies.
///
/// Format 2 hashes the content in two halves, `contentHash` = BLAKE2b("ledger-v2" ‖ H(choice) ‖
/// `personalHash`), where the choice is what anonymisation keeps (time, method, purposes, services,
/// policy version, GPC, texts hash) and `personalHash` = H(consent id, page, language, IP prefix,
/// user agent, reason) is stored. An anonymised entry can so still prove that its choice was not
/// edited, without its personal half.
public struct LedgerEntry: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "consent_ledger"

    public var seq: Int64
    public var consentID: String?
    public var recordedAt: Int64
    public var expiresAt: Int64?
    public var policyVersion: String?
    public var method: String?
    public var source: String?
    public var purposes: String?
    public var services: String?
    public var pageURL: String?
    public var language: String?
    public var ipPrefix: String?
    public var userAgent: String?
    public var gpc: Bool?
    public var gpcConflict: Bool?
    public var reason: String?
    public var textsHash: Data?
    public var contentHash: Data
    public var prevHash: Data
    public var entryHash: Data
    public var redaction: String?
    public var redactedAt: Int64?
    /// Hash of the personal half (format 2); `nil` for format-1 entries.
    public var personalHash: Data?
    /// The entry's leaf in the ledger's Merkle tree: fixed at append, never changed (see LedgerLeaf).
    public var leaf: Data? = nil
    /// The salt of the leaf's personal digest: personal data, removed with the personal columns.
    public var leafSalt: Data? = nil

    enum CodingKeys: String, CodingKey {
        case seq, method, source, purposes, services, language, gpc, reason, redaction
        case consentID = "consent_id", recordedAt = "recorded_at", expiresAt = "expires_at"
        case policyVersion = "policy_version", pageURL = "page_url", ipPrefix = "ip_prefix"
        case userAgent = "user_agent", gpcConflict = "gpc_conflict", textsHash = "texts_hash"
        case contentHash = "content_hash", prevHash = "prev_hash", entryHash = "entry_hash"
        case redactedAt = "redacted_at", personalHash = "personal_hash"
        case leaf, leafSalt = "leaf_salt"
    }

    /// The canonical text the content hash is taken over (format 1, kept to verify older entries),
    /// as UTF-8, written as ``choiceContent``. Field order and separators are part of the ledger
    /// format: never change them, add a format instead.
    var canonicalContent: [UInt8] {
        var text = CanonicalText("ledger-v1", capacity: 256 + (userAgent?.utf8.count ?? 0) + (pageURL?.utf8.count ?? 0))
        text.add(consentID)
        text.add(recordedAt)
        text.add(expiresAt)
        text.add(policyVersion)
        text.add(method)
        text.add(source)
        text.add(purposes)
        text.add(services)
        text.add(pageURL)
        text.add(language)
        text.add(ipPrefix)
        text.add(userAgent)
        text.add(gpc)
        text.add(gpcConflict)
        text.add(reason)
        text.add(textsHash)
        return text.bytes
    }

    /// What anonymisation keeps, canonically (format 2), as UTF-8: the fields below joined by US
    /// (0x1F), a missing one written as NUL (0x00), booleans as `1`/`0`, numbers in decimal, the
    /// texts hash in base64. Written into one buffer: it is hashed on every consent and every check.
    var choiceContent: [UInt8] {
        var text = CanonicalText("choice-v2", capacity: 128 + (policyVersion?.utf8.count ?? 0) + (method?.utf8.count ?? 0)
                                 + (source?.utf8.count ?? 0) + (purposes?.utf8.count ?? 0) + (services?.utf8.count ?? 0))
        text.add(recordedAt)
        text.add(expiresAt)
        text.add(policyVersion)
        text.add(method)
        text.add(source)
        text.add(purposes)
        text.add(services)
        text.add(gpc)
        text.add(gpcConflict)
        text.add(textsHash)
        return text.bytes
    }

    /// What anonymisation removes, canonically (format 2), as UTF-8 (written as ``choiceContent``).
    var personalContent: [UInt8] {
        var text = CanonicalText("personal-v2", capacity: 24 + (consentID?.utf8.count ?? 0) + (pageURL?.utf8.count ?? 0)
                                 + (language?.utf8.count ?? 0) + (ipPrefix?.utf8.count ?? 0) + (userAgent?.utf8.count ?? 0)
                                 + (reason?.utf8.count ?? 0))
        text.add(consentID)
        text.add(pageURL)
        text.add(language)
        text.add(ipPrefix)
        text.add(userAgent)
        text.add(reason)
        return text.bytes
    }

    /// The personal columns, all NULL once an entry is anonymised or deleted.
    var personalColumnsAreEmpty: Bool {
        consentID == nil && pageURL == nil && language == nil && ipPrefix == nil && userAgent == nil && reason == nil
    }

    /// Every content column, all NULL once an entry is deleted.
    var contentColumnsAreEmpty: Bool {
        personalColumnsAreEmpty && expiresAt == nil && policyVersion == nil && method == nil && source == nil
            && purposes == nil && services == nil && gpc == nil && gpcConflict == nil && textsHash == nil
    }

    /// BLAKE2b of `ledger-v2 US base64(choice hash) US base64(personal hash)`, written as bytes into
    /// one buffer (the same bytes as the text `"ledger-v2\u{1F}" + … + "\u{1F}" + …` in UTF-8).
    static func contentHashV2(choice: Data, personal: Data) -> Data {
        var input = [UInt8]()
        input.reserveCapacity(contentV2Header.count + 1 + Base64.encodedCount(choice.count) + Base64.encodedCount(personal.count))
        input.append(contentsOf: contentV2Header)
        Base64.append(choice, to: &input)
        input.append(0x1F)
        Base64.append(personal, to: &input)
        return Digest.blake2bData(input)
    }

    private static let contentV2Header: [UInt8] = Array("ledger-v2\u{1F}".utf8)

    /// Seals the entry's content for the chain (format 2).
    mutating func hashContent() {
        let personal = HashChain.contentHash(personalContent)
        personalHash = personal
        contentHash = Self.contentHashV2(choice: HashChain.contentHash(choiceContent), personal: personal)
    }

    /// Why this entry's stored content does not match its content hash, or `nil` when it does.
    var contentProblem: String? {
        guard let redaction else {
            let expected = personalHash == nil
                ? HashChain.contentHash(canonicalContent)
                : Self.contentHashV2(choice: HashChain.contentHash(choiceContent), personal: HashChain.contentHash(personalContent))
            if personalHash != nil && HashChain.contentHash(personalContent) != personalHash {
                return "its personal data was edited after it was recorded"
            }
            return expected == contentHash ? nil : "its content was edited after it was recorded"
        }
        switch Redaction(rawValue: redaction) {
        case .anonymised:
            guard personalColumnsAreEmpty else { return "it is marked anonymised but still holds personal data" }
            guard let personalHash else { return "it is marked anonymised but was recorded in a format that cannot prove its choice" }
            return Self.contentHashV2(choice: HashChain.contentHash(choiceContent), personal: personalHash) == contentHash
                ? nil : "its choice was edited (it is marked anonymised)"
        case .minimised:
            // Art. 21 objection: page, IP prefix and user agent removed; the consent id stays as proof
            // of whose choice it was. The choice still verifies against the stored personal hash.
            guard pageURL == nil, ipPrefix == nil, userAgent == nil else { return "it is marked minimised but still holds its page, IP prefix or user agent" }
            guard let personalHash else { return "it is marked minimised but was recorded in a format that cannot prove its choice" }
            return Self.contentHashV2(choice: HashChain.contentHash(choiceContent), personal: personalHash) == contentHash
                ? nil : "its choice was edited (it is marked minimised)"
        case .deleted:
            return contentColumnsAreEmpty ? nil : "it is marked deleted but still holds content"
        case nil:
            return "its redaction mark '\(redaction)' is not one the engine writes"
        }
    }

    static let insertSQL = """
        INSERT INTO consent_ledger (seq, consent_id, recorded_at, expires_at, policy_version, method, source,
          purposes, services, page_url, language, ip_prefix, user_agent, gpc, gpc_conflict, reason, texts_hash,
          content_hash, prev_hash, entry_hash, redaction, redacted_at, personal_hash, leaf, leaf_salt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts through a cached statement, each column bound directly: the hot path of the server
    /// (GRDB's Codable encoding of the record cost 7 % of a consent request's CPU, its argument
    /// array most of what was left on the writer's thread; see ``StatementBinder``).
    func insertFast(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute { bind in
            bind(seq); bind(consentID); bind(recordedAt); bind(expiresAt); bind(policyVersion); bind(method)
            bind(source); bind(purposes); bind(services); bind(pageURL); bind(language); bind(ipPrefix)
            bind(userAgent); bind(gpc); bind(gpcConflict); bind(reason); bind(textsHash); bind(contentHash)
            bind(prevHash); bind(entryHash); bind(redaction); bind(redactedAt); bind(personalHash); bind(leaf)
            bind(leafSalt)
        }
    }

    /// The same row through GRDB's argument array (tests compare the two).
    func insertWithArguments(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [
            seq, consentID, recordedAt, expiresAt, policyVersion, method, source, purposes, services, pageURL,
            language, ipPrefix, userAgent, gpc, gpcConflict, reason, textsHash, contentHash, prevHash, entryHash,
            redaction, redactedAt, personalHash, leaf, leafSalt,
        ])
    }

    public var choices: [String: Bool] { Self.decodeChoices(purposes) }
    public var serviceChoices: [String: Bool] { Self.decodeChoices(services) }

    /// Choices are stored as canonical JSON: keys sorted, booleans only.
    /// Built on UTF-8 bytes (Foundation's `replacingOccurrences` cost 4.5 % of a consent request).
    static func encodeChoices(_ choices: [String: Bool]) -> String {
        let sorted = choices.sorted(by: { $0.key < $1.key })
        // The exact length first, so that the text is written straight into the string's storage.
        var length = 2 + max(0, sorted.count - 1)
        for (key, value) in sorted {
            length += 1 + (value ? 6 : 7)
            for byte in key.utf8 { length += byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") ? 2 : 1 }
        }
        return String(unsafeUninitializedCapacity: length) { out in
            var i = 0
            func put(_ byte: UInt8) { out[i] = byte; i += 1 }
            put(UInt8(ascii: "{"))
            for (n, (key, value)) in sorted.enumerated() {
                if n > 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "\""))
                for byte in key.utf8 {
                    // Only `\` and `"` are escaped (purpose and service ids are plain words).
                    if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { put(UInt8(ascii: "\\")) }
                    put(byte)
                }
                for byte in value ? #"":true"#.utf8 : #"":false"#.utf8 { put(byte) }
            }
            put(UInt8(ascii: "}"))
            return i
        }
    }

    static func decodeChoices(_ text: String?) -> [String: Bool] {
        guard let text else { return [:] }
        if let canonical = decodeCanonicalChoices(text) { return canonical }
        guard let dict = try? JSONDecoder().decode([String: Bool].self, from: Data(text.utf8)) else { return [:] }
        return dict
    }

    /// Reads exactly what ``encodeChoices(_:)`` writes (every stored row, read on every
    /// `GET /v1/consents/{id}`) without `JSONDecoder`; anything else — other spacing, other
    /// escapes, control characters, a key twice — is `nil`, and `JSONDecoder` reads it instead.
    static func decodeCanonicalChoices(_ text: String) -> [String: Bool]? {
        var text = text
        return text.withUTF8 { bytes -> [String: Bool]? in
            var i = 0
            func next(_ byte: UInt8) -> Bool {
                guard i < bytes.count, bytes[i] == byte else { return false }
                i += 1
                return true
            }
            func literal(_ word: StaticString) -> Bool {
                let count = word.utf8CodeUnitCount
                guard i + count <= bytes.count else { return false }
                for k in 0..<count where bytes[i + k] != word.utf8Start[k] { return false }
                i += count
                return true
            }
            guard next(UInt8(ascii: "{")) else { return nil }
            var out: [String: Bool] = [:]
            if next(UInt8(ascii: "}")) { return i == bytes.count ? out : nil }
            var key: [UInt8] = []
            while true {
                guard next(UInt8(ascii: "\"")) else { return nil }
                key.removeAll(keepingCapacity: true)
                while true {
                    guard i < bytes.count else { return nil }
                    let byte = bytes[i]
                    i += 1
                    if byte == UInt8(ascii: "\"") { break }
                    if byte == UInt8(ascii: "\\") {
                        guard i < bytes.count, bytes[i] == UInt8(ascii: "\\") || bytes[i] == UInt8(ascii: "\"") else { return nil }
                        key.append(bytes[i])
                        i += 1
                    } else {
                        guard byte >= 0x20 else { return nil }
                        key.append(byte)
                    }
                }
                guard next(UInt8(ascii: ":")) else { return nil }
                let value: Bool
                if literal("true") { value = true } else if literal("false") { value = false } else { return nil }
                guard let name = String(validating: key, as: UTF8.self), out.updateValue(value, forKey: name) == nil else { return nil }
                if next(UInt8(ascii: "}")) { return i == bytes.count ? out : nil }
                guard next(UInt8(ascii: ",")) else { return nil }
            }
        }
    }
}

/// Why a ledger entry's content columns are NULL (the `redaction` column). The column stays a
/// `String` in ``LedgerEntry`` so that verification can name a value the engine never writes.
enum Redaction: String, Sendable {
    /// Retention or erasure with action `delete`: only the chain skeleton is left.
    case deleted
    /// Action `anonymise`: the choice stays, nothing that points to a person.
    case anonymised
    /// Art. 21 objection: page, IP prefix and user agent removed; the consent id stays.
    case minimised
}

extension LedgerEntry {
    /// The entry's method, typed; `nil` when erased (or a value the engine never writes).
    var consentMethod: ConsentMethod? { method.flatMap(ConsentMethod.init(rawValue:)) }
    /// Who recorded the entry, typed.
    var entrySource: EntrySource? { source.flatMap(EntrySource.init(rawValue:)) }
    /// The redaction mark, typed; `nil` for an entry as recorded (or a mark the engine never writes).
    var redactionMark: Redaction? { redaction.flatMap(Redaction.init(rawValue:)) }

    /// How many entries carry `mark`.
    static func count(_ mark: Redaction, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger WHERE redaction = ?", arguments: [mark.rawValue]) ?? 0
    }
}

// MARK: - Writes: this file is the only one that writes `consent_ledger`

extension LedgerEntry {
    /// The SET clause that redacts an entry. `delete` keeps only the chain skeleton (sequence,
    /// hashes, time); `anonymise` also keeps the choice itself (method, purposes, policy version),
    /// for statistics, but nothing that points to a person.
    static func redactionAssignments(_ action: RetentionAction) -> String {
        let personal = "consent_id = NULL, page_url = NULL, ip_prefix = NULL, user_agent = NULL, reason = NULL, language = NULL, leaf_salt = NULL"
        switch action {
        case .anonymise:
            return personal + ", redaction = '\(Redaction.anonymised.rawValue)'"
        case .delete:
            return personal + """
                , expires_at = NULL, policy_version = NULL, method = NULL, source = NULL, purposes = NULL,
                services = NULL, gpc = NULL, gpc_conflict = NULL, texts_hash = NULL, redaction = '\(Redaction.deleted.rawValue)'
                """
        }
    }

    /// Art. 17 (erasure, and its replay after a restore): redacts every entry of `consentID`.
    /// - Returns: how many entries were redacted.
    static func redactPersonalData(consentID: String, action: RetentionAction, at millis: Int64, _ db: Database) throws -> Int {
        try db.execute(sql: "UPDATE consent_ledger SET \(redactionAssignments(action)), redacted_at = ? WHERE consent_id = ?",
                       arguments: [millis, consentID])
        return db.changesCount
    }

    /// Art. 5(1)(e) (retention): redacts up to `limit` entries that match `condition`, an SQL test
    /// on `consent_ledger` built by ``RetentionSelection`` from policy identifiers and integers.
    /// - Returns: how many entries were redacted.
    static func redactDue(where condition: String, action: RetentionAction, at millis: Int64, limit: Int, _ db: Database) throws -> Int {
        try db.execute(sql: """
            UPDATE consent_ledger SET \(redactionAssignments(action)), redacted_at = :now
            WHERE seq IN (SELECT seq FROM consent_ledger WHERE \(condition) LIMIT :limit)
            """, arguments: ["now": millis, "limit": limit])
        return db.changesCount
    }

    /// Art. 21(1): removes page, IP prefix and user agent from the entries not yet redacted that
    /// match `condition` (redaction `minimised`; the choice still verifies against the personal hash).
    /// - Returns: how many entries were minimised.
    static func minimise(where condition: String, arguments: StatementArguments = [], at millis: Int64, _ db: Database) throws -> Int {
        try db.execute(sql: """
            UPDATE consent_ledger SET page_url = NULL, ip_prefix = NULL, user_agent = NULL, leaf_salt = NULL,
              redaction = '\(Redaction.minimised.rawValue)', redacted_at = ?
            WHERE redaction IS NULL AND personal_hash IS NOT NULL AND \(condition)
            """, arguments: [millis] + arguments)
        return db.changesCount
    }

    /// The transparency migration: gives an entry made before the log its leaf and salt.
    func storeMigratedLeaf(_ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE consent_ledger SET leaf = ?, leaf_salt = ? WHERE seq = ?")
            .execute(arguments: [leaf, leafSalt, seq])
    }
}

extension LedgerEntry {
    /// Reads a row column by column (GRDB's `Decodable` path cost most of a `GET /v1/consents/{id}`).
    /// Same rules as the synthesised decoding: a missing or NULL column is `nil` for an optional,
    /// an error for the rest; a value of the wrong type is an error, never a crash.
    public init(row: Row) throws {
        seq = try row.decode(forColumn: CodingKeys.seq.rawValue)
        consentID = try row.decode(forColumn: CodingKeys.consentID.rawValue)
        recordedAt = try row.decode(forColumn: CodingKeys.recordedAt.rawValue)
        expiresAt = try row.decode(forColumn: CodingKeys.expiresAt.rawValue)
        policyVersion = try row.decode(forColumn: CodingKeys.policyVersion.rawValue)
        method = try row.decode(forColumn: CodingKeys.method.rawValue)
        source = try row.decode(forColumn: CodingKeys.source.rawValue)
        purposes = try row.decode(forColumn: CodingKeys.purposes.rawValue)
        services = try row.decode(forColumn: CodingKeys.services.rawValue)
        pageURL = try row.decode(forColumn: CodingKeys.pageURL.rawValue)
        language = try row.decode(forColumn: CodingKeys.language.rawValue)
        ipPrefix = try row.decode(forColumn: CodingKeys.ipPrefix.rawValue)
        userAgent = try row.decode(forColumn: CodingKeys.userAgent.rawValue)
        gpc = try row.decode(forColumn: CodingKeys.gpc.rawValue)
        gpcConflict = try row.decode(forColumn: CodingKeys.gpcConflict.rawValue)
        reason = try row.decode(forColumn: CodingKeys.reason.rawValue)
        textsHash = try row.decode(forColumn: CodingKeys.textsHash.rawValue)
        contentHash = try row.decode(forColumn: CodingKeys.contentHash.rawValue)
        prevHash = try row.decode(forColumn: CodingKeys.prevHash.rawValue)
        entryHash = try row.decode(forColumn: CodingKeys.entryHash.rawValue)
        redaction = try row.decode(forColumn: CodingKeys.redaction.rawValue)
        redactedAt = try row.decode(forColumn: CodingKeys.redactedAt.rawValue)
        personalHash = try row.decode(forColumn: CodingKeys.personalHash.rawValue)
        leaf = try row.decode(forColumn: CodingKeys.leaf.rawValue)
        leafSalt = try row.decode(forColumn: CodingKeys.leafSalt.rawValue)
    }
}

/// A canonical text of the ledger (formats 1 and 2) being written: a tag, then each field after a
/// US (0x1F); a missing field is NUL (0x00), a boolean `1` or `0`, a number in decimal, bytes in base64.
private struct CanonicalText {
    var bytes: [UInt8] = []

    init(_ tag: String, capacity: Int) {
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: tag.utf8)
    }

    mutating func add(_ value: String?) {
        bytes.append(0x1F)
        if let value { bytes.append(contentsOf: value.utf8) } else { bytes.append(0) }
    }

    mutating func add(_ value: Int64?) {
        bytes.append(0x1F)
        if let value { bytes.append(contentsOf: String(value).utf8) } else { bytes.append(0) }
    }

    mutating func add(_ value: Bool?) {
        bytes.append(0x1F)
        bytes.append(value.map { $0 ? UInt8(ascii: "1") : UInt8(ascii: "0") } ?? 0)
    }

    mutating func add(_ value: Data?) {
        bytes.append(0x1F)
        if let value { Base64.append(value, to: &bytes) } else { bytes.append(0) }
    }
}

import Foundation
import GRDB
import Vault

/// One kind of records on the offer list: how many, from when to when; never their content.
public struct OfferedKind: Codable, Sendable, Equatable {
    public var data: String
    public var records: Int
    public var period: Period?
}

/// One file of an archive package, as its manifest lists it.
public struct PackageFile: Codable, Sendable, Equatable {
    public var name: String
    public var records: Int
    public var bytes: Int
    public var sha256: String
}

/// The archive package's manifest (`manifest.json`).
public struct PackageManifest: Codable, Sendable, Equatable {
    public var format: String
    public var archive: String?
    public var reference: String
    public var createdAt: String
    public var controller: String
    public var programme: String
    public var policyVersion: String
    public var files: [PackageFile]

    enum CodingKeys: String, CodingKey {
        case format, archive, reference, controller, programme, files
        case createdAt = "created_at", policyVersion = "policy_version"
    }
}

/// What the archive step did (recorded with the step, shown in the report).
public struct ArchiveStepOutcome: Codable, Sendable, Equatable {
    /// Whether the policy requires an offer at all.
    public var required: Bool
    public var archive: String?
    public var offer: [OfferedKind]
    public var decision: ArchiveDecisionRecord?
    /// Where the package was written (a folder), when the archive took the records.
    public var package: String?
    public var manifest: PackageManifest?
}

/// The archive offer (ThürArchivG §§ 4, 11: a public body offers records it no longer needs to the
/// competent archive before destroying them) and the package of what the archive takes.
enum ArchiveOffer {
    /// The offer list: per offered kind, how many records and from when to when.
    static func list(_ db: Database, policy: Policy, stock: StockTake) throws -> [OfferedKind] {
        policy.archiveOfferedKinds.map { kind in
            switch kind {
            case .contactRequests:
                return OfferedKind(data: kind.rawValue, records: stock.contactRequests, period: stock.contactRequestsPeriod)
            case .consentRecords:
                return OfferedKind(data: kind.rawValue, records: stock.consentEntries, period: stock.consentPeriod)
            case .auditEntries:
                return OfferedKind(data: kind.rawValue, records: stock.auditEntries, period: nil)
            }
        }
    }

    /// An archived consent entry: the entry with the consent it belongs to.
    struct ArchivedConsentEntry: Encodable {
        var consentID: String?
        var entry: HistoryEntry
        enum CodingKeys: String, CodingKey { case entry, consentID = "consent_id" }
    }

    /// Writes the package of the taken kinds to `folder` (0700, files 0600): one JSON file per kind,
    /// decrypted, `manifest.json`, and `SHA256SUMS` in the form `sha256sum -c` reads.
    static func writePackage(to folder: String, kinds: [DataKind], decision: ArchiveDecisionRecord, policy: Policy,
                             now: Date, store: PrivacyDatabase, archive: ContactArchive?) async throws -> PackageManifest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var files: [(name: String, records: Int, bytes: [UInt8])] = []
        for kind in kinds {
            switch kind {
            case .contactRequests:
                let count = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0 }
                guard let archive else {
                    if count == 0 { files.append(("contact_requests.json", 0, Array("[]\n".utf8))); continue }
                    throw WindDownError.secretKeyNeeded("the archive package holds the contact requests decrypted")
                }
                let requests = try await archive.list()
                files.append(("contact_requests.json", requests.count, Array(try encoder.encode(requests)) + [10]))
            case .consentRecords:
                let entries = try await store.pool.read { db in
                    try LedgerEntry.fetchAll(db, sql: "SELECT * FROM consent_ledger WHERE method IS NOT NULL ORDER BY seq")
                }
                let archived = entries.map { ArchivedConsentEntry(consentID: $0.consentID, entry: ConsentLedger.historyEntry($0)) }
                files.append(("consent_records.json", archived.count, Array(try encoder.encode(archived)) + [10]))
            case .auditEntries:
                let records = try await store.pool.read { db in try AuditLog.entries(db, since: nil) }
                files.append(("audit_entries.json", records.count, Array(try encoder.encode(records)) + [10]))
            }
        }
        let manifest = PackageManifest(
            format: "privacy-engine archive package 1", archive: decision.archive, reference: decision.reference,
            createdAt: Timestamp.format(now), controller: policy.controller.name, programme: policy.programme.name,
            policyVersion: policy.version,
            files: files.map { PackageFile(name: $0.name, records: $0.records, bytes: $0.bytes.count, sha256: Checksum.sha256Hex($0.bytes)) })
        let manifestBytes = Array(try encoder.encode(manifest)) + [10]
        try PrivateFile.makeFolder(folder)
        var sums = ""
        for file in files {
            try PrivateFile.write(file.bytes, to: folder + "/" + file.name)
            sums += "\(Checksum.sha256Hex(file.bytes))  \(file.name)\n"
        }
        try PrivateFile.write(manifestBytes, to: folder + "/manifest.json")
        sums += "\(Checksum.sha256Hex(manifestBytes))  manifest.json\n"
        try PrivateFile.write(Array(sums.utf8), to: folder + "/SHA256SUMS")
        return manifest
    }
}

import Foundation
import Vault

/// A backup file deleted because it was older than the retention of backups allows.
public struct PrunedBackup: Codable, Sendable, Equatable {
    public var file: String
    public var createdAt: String
    public var bytes: Int64

    enum CodingKeys: String, CodingKey { case file, bytes, createdAt = "created_at" }
}

public struct PruneReport: Codable, Sendable, Equatable {
    public var folder: String
    public var keep: String
    /// Backups made before this instant were deleted.
    public var deletedIfBefore: String
    public var deleted: [PrunedBackup]
    public var kept: Int

    enum CodingKeys: String, CodingKey {
        case folder, keep, deleted, kept, deletedIfBefore = "deleted_if_before"
    }
}

/// Storage limitation for the backups themselves (Art. 5(1)(e)): deletes the backup files in a
/// folder whose manifest says they were made longer ago than `keep`. Files that are not backups
/// of this engine (no `PVBK` header), folders and symlinks are left alone.
public enum BackupPruning {
    public static func prune(folder: String, keep: ISODuration, now: Date, calendar: Calendar) throws -> PruneReport {
        let cutoff = keep.subtracted(from: now, in: calendar)
        var report = PruneReport(folder: folder, keep: keep.text, deletedIfBefore: Timestamp.format(cutoff), deleted: [], kept: 0)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw ConsentError.invalid(field: "--prune", message: "cannot read the folder \(folder): \(error.localizedDescription)")
        }
        for name in names {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            guard let manifest = try? DatabaseRestore.manifest(of: path) else { continue }
            if manifest.createdAtMs < Timestamp.millis(cutoff) {
                guard unlink(path) == 0 else {
                    throw ConsentError.storage("cannot delete \(path): \(String(cString: strerror(errno)))")
                }
                report.deleted.append(PrunedBackup(file: path, createdAt: manifest.createdAt, bytes: Int64(info.st_size)))
            } else {
                report.kept += 1
            }
        }
        if !report.deleted.isEmpty { PrivateFileWriter.syncFolder(of: folder + "/x") }
        return report
    }
}

extension BackupPruning {
    /// Records a prune in the audit log (file names and counts, no personal data).
    public static func record(_ report: PruneReport, at: Date, in store: PrivacyDatabase, actor: String = AuditLog.currentActor) async throws {
        try await AuditLog.record(AuditNote(action: "backup.prune", actor: actor, subject: nil, details: [
            "keep": report.keep, "deleted": String(report.deleted.count), "kept": String(report.kept),
            "deleted_files": report.deleted.map { ($0.file as NSString).lastPathComponent }.joined(separator: ","),
        ]), at: at, in: store)
    }
}

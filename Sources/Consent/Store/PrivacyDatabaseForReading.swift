import Foundation
import GRDB

extension PrivacyDatabase {
    /// Opens an existing database for a command that must change nothing (`wind-down --dry-run`).
    ///
    /// A writable pool writes on open (GRDB creates and drops a table to make sure the WAL exists,
    /// and the migrator runs a transaction even with nothing to migrate: the file's change counter
    /// and schema cookie move). This opens read-only when every migration is applied; an older
    /// database is migrated first, as any command would.
    public static func openUnchanged(path: String) throws -> PrivacyDatabase {
        let reader = try PrivacyDatabase(path: path, migrate: false, readOnly: true)
        if try reader.pool.read({ db in try Migrations.migrator.hasCompletedMigrations(db) }) { return reader }
        return try PrivacyDatabase(path: path)
    }
}

@testable import Consent
import Foundation
import GRDB

extension CLIFixture {
    /// The sealed record and the blind-index entry of a stored contact request, as the file holds
    /// them: what a byte scan after an erasure must no longer find.
    func storedBytes(of reference: Reference) async throws -> (sealed: Data, index: Data) {
        try await store().pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT sealed, email_index FROM contact_requests WHERE reference = ?",
                                       arguments: [reference.rawValue])!
            return (row["sealed"] as Data, row["email_index"] as Data)
        }
    }
}

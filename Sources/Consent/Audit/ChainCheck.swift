import Foundation

/// Both hash chains verified in one read: what `audit verify` and the server's daily check run.
public enum ChainCheck {
    public static func run(_ store: PrivacyDatabase) async throws -> [ChainReport] {
        try await store.pool.read { db in [try ConsentLedger.verifyChain(db), try AuditLog.verify(db)] }
    }
}

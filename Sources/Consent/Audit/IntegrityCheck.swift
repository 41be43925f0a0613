import Foundation
import GRDB
import Vault

/// Everything `privacyctl audit verify` checks, read in one snapshot of the database: both hash
/// chains, what restores lost, the Merkle trees against every checkpoint (Art. 5(2): the
/// controller can show that the records were not edited), and the kept policy texts.
public struct IntegrityCheck: Sendable {
    public var chains: [ChainReport]
    public var restores: [RestoreLoss]
    public var transparency: TransparencyReport
    /// The kept policy texts (issue 11): how many were checked, what failed.
    public var texts: (checked: Int, problems: [String])

    /// Runs every check in one read transaction.
    /// - Parameters:
    ///   - verifier: the audit key's verifier (`audit.pub`); `nil` when there is none yet.
    ///   - files: checkpoints kept outside the database, to prove today's trees against.
    public static func run(_ store: PrivacyDatabase, verifier: NoteVerifier?, files: [CheckpointSource]) async throws -> IntegrityCheck {
        try await store.pool.read { db in
            IntegrityCheck(chains: [try ConsentLedger.verifyChain(db), try AuditLog.verify(db)],
                           restores: try RestoreHistory.losses(db),
                           transparency: try TransparencyVerifier.verify(db, verifier: verifier, files: files),
                           texts: try PolicyTextArchive.verifyKept(db))
        }
    }
}

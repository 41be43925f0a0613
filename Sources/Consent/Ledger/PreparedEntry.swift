import Foundation

/// A new ledger entry with everything that does not depend on where the ledger ends already
/// worked out: its content hashes (format 2) and the digests of its Merkle leaf. Built by the
/// request before it waits for the writer, so that the group transaction (one writer for all
/// requests) only chains it: seq, previous hash, entry hash and the leaf's text.
struct PreparedEntry: Sendable {
    /// The entry with `contentHash` and `personalHash` set; `seq`, `prevHash`, `entryHash` and
    /// `leaf` are set by ``ConsentLedger/append(_:_:carry:)``.
    let entry: LedgerEntry
    let choiceDigest: String
    let personalDigest: String

    init(_ draft: consuming LedgerEntry) {
        var entry = draft
        // Each canonical text is built once and used for both the chain's hash and the leaf's digest.
        let choice = entry.choiceContent
        let personal = entry.personalContent
        let personalHash = HashChain.contentHash(personal)
        entry.personalHash = personalHash
        entry.contentHash = LedgerEntry.contentHashV2(choice: HashChain.contentHash(choice), personal: personalHash)
        let salt = entry.leafSalt ?? Data()
        entry.leafSalt = salt
        (choiceDigest, personalDigest) = LedgerEntry.leafDigests(choice: choice, personal: personal, salt: salt)
        self.entry = entry
    }
}

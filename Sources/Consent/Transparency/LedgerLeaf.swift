import Foundation
import Vault

/// The leaf data of a consent-ledger entry in the Merkle tree (see docs/transparency-log.md):
///
///     consent-ledger-leaf/v1 LF <seq> LF <recorded_at ms> LF <choice> LF <personal> LF
///
/// `choice` = base64(SHA-256(UTF-8 of the entry's choice text)), `personal` = base64(SHA-256(salt ‖
/// UTF-8 of its personal text)) with a 32-byte random salt kept in the row (`leaf_salt`) and
/// removed, with the personal columns, by erasure and retention (Art. 17, Art. 5(1)(e)): the leaf
/// never changes, yet once the salt is gone it no longer points to anyone. A field the migration
/// could not compute (an entry redacted before the tree existed) is `-`.
extension LedgerEntry {
    static let leafHeader = "consent-ledger-leaf/v1"
    static let saltByteCount = 32

    static func leafText(seq: Int64, recordedAt: Int64, choice: String, personal: String) -> [UInt8] {
        Array("\(leafHeader)\n\(seq)\n\(recordedAt)\n\(choice)\n\(personal)\n".utf8)
    }

    var choiceDigest: String { Self.leafDigest(Array(choiceContent.utf8)) }

    func personalDigest(salt: [UInt8]) -> String { Self.leafDigest(salt + Array(personalContent.utf8)) }

    /// The leaf's choice and personal lines from the canonical texts at hand (UTF-8) and the salt.
    static func leafDigests(choice: [UInt8], personal: [UInt8], salt: [UInt8]) -> (choice: String, personal: String) {
        (leafDigest(choice), leafDigest(salt + personal))
    }

    /// base64(SHA-256(bytes)): one line of the leaf.
    private static func leafDigest(_ bytes: [UInt8]) -> String { Data(Digest.sha256(bytes)).base64EncodedString() }

    /// Sets the leaf (and its salt) of a new entry.
    mutating func makeLeaf(salt: [UInt8]) {
        leafSalt = Data(salt)
        let digests = Self.leafDigests(choice: Array(choiceContent.utf8), personal: Array(personalContent.utf8), salt: salt)
        leaf = Data(Self.leafText(seq: seq, recordedAt: recordedAt, choice: digests.choice, personal: digests.personal))
    }

    /// The leaf of an entry written before the tree existed: what its row still holds.
    mutating func makeMigratedLeaf(salt: [UInt8]) {
        guard redaction != nil else { return makeLeaf(salt: salt) }
        switch redactionMark {
        case .anonymised:
            leaf = Data(Self.leafText(seq: seq, recordedAt: recordedAt, choice: choiceDigest, personal: "-"))
        default:
            leaf = Data(Self.leafText(seq: seq, recordedAt: recordedAt, choice: "-", personal: "-"))
        }
    }

    /// Why the stored row does not match its stored leaf, or `nil`: every field the row still
    /// holds is recomputed; what redaction removed cannot be, and is taken from the leaf.
    var leafProblem: String? {
        guard let leaf else { return "it has no leaf in the Merkle tree" }
        let lines = String(decoding: leaf, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 6, lines[0] == Self.leafHeader, lines[5].isEmpty else { return "its leaf is not a \(Self.leafHeader) leaf" }
        guard lines[1] == String(seq) else { return "its leaf names sequence \(lines[1]): entries were reordered" }
        guard lines[2] == String(recordedAt) else { return "its time differs from its leaf: it was edited" }
        // A deleted entry's choice is gone: only its leaf keeps the digest.
        if redactionMark != .deleted, lines[3] != choiceDigest {
            return "its choice differs from its leaf: it was edited after it was recorded"
        }
        if redaction == nil {
            guard let salt = leafSalt else { return "its leaf salt is missing although it is not redacted" }
            if lines[4] != personalDigest(salt: [UInt8](salt)) { return "its personal data differs from its leaf: it was edited" }
        } else if leafSalt != nil {
            return "it is redacted but still holds its leaf salt"
        }
        return nil
    }
}

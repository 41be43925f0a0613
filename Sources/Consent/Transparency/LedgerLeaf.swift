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

    /// The leaf's bytes, written into one buffer (the UTF-8 of the format above).
    static func leafText(seq: Int64, recordedAt: Int64, choice: String, personal: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(leafHeaderBytes.count + 48 + choice.utf8.count + personal.utf8.count)
        out.append(contentsOf: leafHeaderBytes)
        out.append(0x0A)
        out.append(contentsOf: String(seq).utf8)
        out.append(0x0A)
        out.append(contentsOf: String(recordedAt).utf8)
        out.append(0x0A)
        out.append(contentsOf: choice.utf8)
        out.append(0x0A)
        out.append(contentsOf: personal.utf8)
        out.append(0x0A)
        return out
    }

    private static let leafHeaderBytes: [UInt8] = Array(leafHeader.utf8)

    var choiceDigest: String { Base64.encode(Checksum.sha256(choiceContent)) }

    func personalDigest(salt: [UInt8]) -> String { Self.saltedDigest(personalContent, salt: salt) }

    /// The leaf's choice and personal lines from the canonical texts at hand (UTF-8) and the salt:
    /// base64(SHA-256(choice text)), base64(SHA-256(salt ‖ personal text)).
    static func leafDigests(choice: [UInt8], personal: [UInt8], salt: Data) -> (choice: String, personal: String) {
        (Base64.encode(Checksum.sha256(choice)), saltedDigest(personal, salt: salt))
    }

    private static func saltedDigest<Salt: Collection<UInt8>>(_ personal: [UInt8], salt: Salt) -> String {
        var salted = [UInt8]()
        salted.reserveCapacity(salt.count + personal.count)
        salted.append(contentsOf: salt)
        salted.append(contentsOf: personal)
        return Base64.encode(Checksum.sha256(salted))
    }

    /// Sets the leaf (and its salt) of a new entry.
    mutating func makeLeaf(salt: [UInt8]) {
        let salt = Data(salt)
        leafSalt = salt
        let digests = Self.leafDigests(choice: choiceContent, personal: personalContent, salt: salt)
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

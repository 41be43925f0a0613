import Foundation
import Testing
@testable import Consent
import Vault

/// The ledger's hashes and leaf are written as bytes into one buffer each (for speed); here they
/// are recomputed the plain way — Foundation's base64, string concatenation, hashes of copied
/// arrays, exactly as the format is documented (docs/transparency-log.md, `LedgerEntry`) — over
/// random entries, so that a faster writer can never change a byte of the format.
@Suite("Ledger hashes and leaf, written as bytes, against the format written out plainly")
struct LedgerBytesTests {
    static func text(_ generator: inout SeededRandom, maxLength: Int = 40) -> String {
        let pieces = ["a", "Z", "0", "-", "_", " ", "/", "?", "=", "\u{1F}", "\u{0}", "\n", "ü", "ß", "€", "🏘️", "\\", "\""]
        let count = Int.random(in: 0...maxLength, using: &generator)
        return (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static func maybe(_ generator: inout SeededRandom) -> String? {
        Bool.random(using: &generator) ? text(&generator) : nil
    }

    static func randomEntry(_ generator: inout SeededRandom) -> LedgerEntry {
        LedgerEntry(
            seq: 0, consentID: maybe(&generator), recordedAt: Int64.random(in: 0...4_102_444_800_000, using: &generator),
            expiresAt: Bool.random(using: &generator) ? Int64.random(in: 0...4_102_444_800_000, using: &generator) : nil,
            policyVersion: maybe(&generator), method: maybe(&generator), source: maybe(&generator),
            purposes: maybe(&generator), services: maybe(&generator), pageURL: maybe(&generator), language: maybe(&generator),
            ipPrefix: maybe(&generator), userAgent: maybe(&generator),
            gpc: Bool.random(using: &generator) ? Bool.random(using: &generator) : nil,
            gpcConflict: Bool.random(using: &generator) ? Bool.random(using: &generator) : nil,
            reason: maybe(&generator), textsHash: Bool.random(using: &generator) ? Data(generator.bytes(32)) : nil,
            contentHash: Data(), prevHash: Data(), entryHash: Data(), redaction: nil, redactedAt: nil, personalHash: nil,
            leaf: nil, leafSalt: Data(generator.bytes(LedgerEntry.saltByteCount)))
    }

    @Test("canonical texts (formats 1 and 2), content hashes, leaf digests, leaf text, chain hash and Merkle leaf hash of 400 random entries")
    func randomEntries() {
        var generator = SeededRandom(seed: "ledger bytes")
        for _ in 0..<400 {
            let draft = Self.randomEntry(&generator)
            let prepared = PreparedEntry(draft)
            // The canonical texts as the format defines them: fields joined by US, NUL for none.
            func f(_ s: String?) -> String { s ?? "\u{0}" }
            func f(_ n: Int64?) -> String { n.map(String.init) ?? "\u{0}" }
            func f(_ v: Bool?) -> String { v.map { $0 ? "1" : "0" } ?? "\u{0}" }
            func f(_ d: Data?) -> String { d.map { $0.base64EncodedString() } ?? "\u{0}" }
            let d = draft
            let choice = ["choice-v2", String(d.recordedAt), f(d.expiresAt), f(d.policyVersion), f(d.method), f(d.source),
                          f(d.purposes), f(d.services), f(d.gpc), f(d.gpcConflict), f(d.textsHash)].joined(separator: "\u{1F}")
            let personal = ["personal-v2", f(d.consentID), f(d.pageURL), f(d.language), f(d.ipPrefix), f(d.userAgent),
                            f(d.reason)].joined(separator: "\u{1F}")
            #expect(draft.choiceContent == Array(choice.utf8))
            #expect(draft.personalContent == Array(personal.utf8))
            let formatOne = ["ledger-v1", f(d.consentID), String(d.recordedAt), f(d.expiresAt), f(d.policyVersion),
                             f(d.method), f(d.source), f(d.purposes), f(d.services), f(d.pageURL), f(d.language),
                             f(d.ipPrefix), f(d.userAgent), f(d.gpc), f(d.gpcConflict), f(d.reason),
                             f(d.textsHash)].joined(separator: "\u{1F}")
            #expect(draft.canonicalContent == Array(formatOne.utf8))
            let salt = [UInt8](draft.leafSalt!)

            let choiceHash = Data(Digest.blake2b(Array(choice.utf8)))
            let personalHash = Data(Digest.blake2b(Array(personal.utf8)))
            let contentText = "ledger-v2\u{1F}" + choiceHash.base64EncodedString() + "\u{1F}" + personalHash.base64EncodedString()
            #expect(prepared.entry.personalHash == personalHash)
            #expect(prepared.entry.contentHash == Data(Digest.blake2b(Array(contentText.utf8))))

            let choiceDigest = Data(Digest.sha256(Array(choice.utf8))).base64EncodedString()
            let personalDigest = Data(Digest.sha256(salt + Array(personal.utf8))).base64EncodedString()
            #expect(prepared.choiceDigest == choiceDigest)
            #expect(prepared.personalDigest == personalDigest)
            #expect(draft.personalDigest(salt: salt) == personalDigest)

            let seq = Int64.random(in: 1...Int64(1) << 40, using: &generator)
            let leaf = Array("consent-ledger-leaf/v1\n\(seq)\n\(draft.recordedAt)\n\(choiceDigest)\n\(personalDigest)\n".utf8)
            #expect(LedgerEntry.leafText(seq: seq, recordedAt: draft.recordedAt, choice: choiceDigest, personal: personalDigest) == leaf)
            #expect(Merkle.leafHash(leaf) == Digest.sha256([0x00] + leaf))

            let prev = Data(generator.bytes(32))
            var chained = [UInt8](prev)
            withUnsafeBytes(of: seq.bigEndian) { chained.append(contentsOf: $0) }
            chained.append(contentsOf: prepared.entry.contentHash)
            #expect(HashChain.entryHash(prev: prev, seq: seq, content: prepared.entry.contentHash) == Data(Digest.blake2b(chained)))
        }
    }

    @Test("a Merkle node hash is SHA-256 of 0x01 and both children joined")
    func nodeHash() {
        var generator = SeededRandom(seed: "merkle node")
        for _ in 0..<100 {
            let left = generator.bytes(32), right = generator.bytes(32)
            #expect(Merkle.nodeHash(left, right) == Digest.sha256([0x01] + left + right))
        }
    }
}

import Foundation

/// A C2SP signed note (https://c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank
/// line, and one or more signature lines `— <name> <base64(key hash (4) ‖ signature (64))>`
/// (U+2014 EM DASH, a space). The signature is over the text, including its final newline.
public enum SignedNote {
    public static let dash = "\u{2014}"

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case noSignatureBy(String)
        case badSignature(String)

        public var description: String {
            switch self {
            case .malformed(let why): "not a signed note: \(why)"
            case .noSignatureBy(let name): "the note carries no signature by the key \(name)"
            case .badSignature(let name): "the signature by \(name) does not verify: the note was altered or signed by another key"
            }
        }
    }

    /// Signs `text` (which must end in a newline) and returns the whole note.
    public static func sign(_ text: String, with key: AuditKeyPair, name: String) throws -> String {
        guard text.hasSuffix("\n"), !text.contains("\n\n") else { throw Failure.malformed("the text must end in one newline and hold no blank line") }
        let verifier = try key.verifier(name: name)
        let signature = try key.sign(Array(text.utf8))
        return text + "\n" + dash + " " + name + " " + Data(verifier.keyHash + signature).base64EncodedString() + "\n"
    }

    /// Splits a note into its text and its signature lines.
    public static func split(_ note: String) throws(Failure) -> (text: String, signatures: [(name: String, keyHash: [UInt8], signature: [UInt8])]) {
        guard let range = note.range(of: "\n\n", options: .backwards) else { throw .malformed("no blank line before the signatures") }
        let text = String(note[..<range.lowerBound]) + "\n"
        let tail = note[range.upperBound...]
        guard tail.hasSuffix("\n") else { throw .malformed("the last signature line does not end in a newline") }
        var signatures: [(String, [UInt8], [UInt8])] = []
        for line in tail.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == dash, let raw = Data(base64Encoded: String(parts[2])), raw.count > 4 else {
                throw .malformed("a signature line is not '\(dash) <name> <base64>'")
            }
            signatures.append((String(parts[1]), Array(raw.prefix(4)), Array(raw.dropFirst(4))))
        }
        guard !signatures.isEmpty else { throw .malformed("no signature line") }
        return (text, signatures)
    }

    /// Verifies the signature of `verifier` on `note` and returns the signed text.
    public static func open(_ note: String, verifier: NoteVerifier) throws(Failure) -> String {
        let (text, signatures) = try split(note)
        guard let mine = signatures.first(where: { $0.name == verifier.name && $0.keyHash == verifier.keyHash }) else {
            throw .noSignatureBy(verifier.encoded.components(separatedBy: "+").prefix(2).joined(separator: "+"))
        }
        guard verifier.isValidSignature(mine.signature, of: Array(text.utf8)) else { throw .badSignature(verifier.name) }
        return text
    }
}

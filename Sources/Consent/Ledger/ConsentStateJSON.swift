/// A value that can write its own API JSON, byte for byte what `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes, or `nil` when it holds text it leaves to the
/// encoder (keys other than plain lower-case ids, control characters). The server's answer to
/// `POST /v1/consents` takes this path: Foundation's encoder cost 7 % of the request's CPU (issue 16).
public protocol PrebuiltAPIJSON {
    func apiJSON() -> [UInt8]?
}

extension ConsentState: PrebuiltAPIJSON {
    public func apiJSON() -> [UInt8]? {
        var w = APIJSONWriter()
        w.out.reserveCapacity(512)
        // The keys in sorted order, as the encoder sorts them; absent optionals are left out.
        w.open()
        w.key("consent_id"); guard w.string(consentID) else { return nil }
        w.key("expired"); w.bool(expired)
        if let expiresAt { w.key("expires_at"); guard w.string(expiresAt) else { return nil } }
        w.key("gpc"); w.bool(gpc)
        w.key("gpc_conflict"); w.bool(gpcConflict)
        w.key("method"); guard w.string(method) else { return nil }
        w.key("policy_outdated"); w.bool(policyOutdated)
        w.key("policy_version"); guard w.string(policyVersion) else { return nil }
        w.key("purposes"); guard w.choices(purposes) else { return nil }
        w.key("receipt")
        w.open()
        w.key("entry_hash"); guard w.string(receipt.entryHash) else { return nil }
        w.key("sequence"); w.out.append(contentsOf: String(receipt.sequence).utf8)
        if let textsHash = receipt.textsHash { w.key("texts_hash"); guard w.string(textsHash) else { return nil } }
        w.close()
        w.key("recorded_at"); guard w.string(recordedAt) else { return nil }
        w.key("services"); guard w.choices(services) else { return nil }
        w.key("source"); guard w.string(source) else { return nil }
        w.close()
        return w.out
    }
}

/// Writes JSON as `JSONEncoder` does for the simple cases; refuses (returns `false` for) the others.
package struct APIJSONWriter {
    package var out: [UInt8] = []
    private var first = true

    package init() {}

    package mutating func open() { out.append(UInt8(ascii: "{")); first = true }
    package mutating func close() { out.append(UInt8(ascii: "}")); first = false }

    package mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: #"":"#.utf8)
    }

    package mutating func bool(_ value: Bool) { out.append(contentsOf: value ? "true".utf8 : "false".utf8) }

    /// `"` and `\` escaped, `/` and non-ASCII as they are; a control character is left to the encoder.
    /// Runs between escapes are copied whole (a byte at a time was a third of the consent's answer).
    package mutating func string(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var run = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                if byte < 0x20 { return false }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                    out.append(UInt8(ascii: "\\"))
                    run = i
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            out.append(UInt8(ascii: "\""))
            return true
        }
    }

    /// An object of texts; its keys must be plain ids or dotted paths of them (a–z, 0–9, `_`, `-`, `.`);
    /// `false` for any other key or a text the encoder must write.
    package mutating func texts(_ texts: [String: String]) -> Bool {
        object(texts, dotted: true) { w, text in w.string(text) }
    }

    /// An object of booleans; its keys must be plain ids (a–z, 0–9, `_`, `-`); `false` for any other key.
    package mutating func choices(_ choices: [String: Bool]) -> Bool {
        object(choices, dotted: false) { w, flag in w.bool(flag); return true }
    }

    /// An object with its keys sorted: for plain ids (and, `dotted`, `.`) the keys' byte order is
    /// the encoder's sorted order, so other keys are refused before anything is written.
    private mutating func object<V>(_ members: [String: V], dotted: Bool, _ value: (inout APIJSONWriter, V) -> Bool) -> Bool {
        let plain = members.keys.allSatisfy { key in
            key.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D || (dotted && $0 == 0x2E) }
        }
        guard plain else { return false }
        out.append(UInt8(ascii: "{"))
        for (i, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: member.key.utf8)
            out.append(contentsOf: #"":"#.utf8)
            guard value(&self, member.value) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }
}

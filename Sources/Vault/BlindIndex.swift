import CSodium

/// A keyed BLAKE2b blind index over e-mail addresses.
///
/// `erase --email` and `export --email` find a person's sealed records through it, then decrypt only
/// those few candidates to drop false positives: no need to decrypt every record.
public struct BlindIndex: Sendable {
    public static let byteCount = 16
    let key: IndexKey

    public init(key: IndexKey) { self.key = key }

    /// The index value of an e-mail address, after normalisation (see ``EmailNormalisation``).
    public func value(forEmail email: String) -> [UInt8] {
        value(for: "email:" + Self.normalise(email))
    }

    /// The values to look an address up by: its index value, and the one versions up to 1.0
    /// wrote (only trimmed and lower-cased) while rows that `contacts reindex` has not reached
    /// may still carry it.
    public func lookupValues(forEmail email: String) -> [[UInt8]] {
        let current = value(forEmail: email)
        let legacy = value(for: "email:" + EmailNormalisation.legacy(email))
        return legacy == current ? [current] : [current, legacy]
    }

    /// A keyed, domain-separated hash of any identifier (used by the audit log to name a subject
    /// without personal data).
    public func value(for text: String) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        let input = Array(text.utf8)
        key.key.withUnsafeBytes { k in
            _ = crypto_generichash(&out, out.count, input, UInt64(input.count),
                                   k.baseAddress!.assumingMemoryBound(to: UInt8.self), k.count)
        }
        return out
    }

    public static func normalise(_ email: String) -> String {
        EmailNormalisation.normalise(email)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

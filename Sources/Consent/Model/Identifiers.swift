import Vault

/// A visitor's consent id: issued by the engine (44 lower-case hex digits: an increasing 48-bit
/// prefix and 128 random bits, see ``ConsentIDIssuer``), kept in a first-party cookie, quoted to the
/// DPO. URL-safe and never starting with `-`.
public struct ConsentID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts what the engine issues and what an older banner may hold: 8 to 64 characters of
    /// `[A-Za-z0-9_-]`, not starting with `-`.
    public init?(_ text: String) {
        guard Self.isWellFormed(text) else { return nil }
        rawValue = text
    }

    /// 128 random bits as 32 hex digits, without the issuer's prefix (the ids of engines before
    /// December 2026 looked like this; tests use it for an id nobody issued).
    public static func random(using random: any RandomSource) -> ConsentID {
        ConsentID(unchecked: Digest.hex(random.bytes(16)))
    }

    init(unchecked: String) { rawValue = unchecked }

    static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (8...64).contains(utf8.count), utf8.first != UInt8(ascii: "-") else { return false }
        return utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ConsentID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a consent id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The reference a contact request gets: `CR-` and 26 base32 characters (130 random bits).
public struct Reference: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard text.hasPrefix("CR-"), text.utf8.count == 29,
              text.utf8.dropFirst(3).allSatisfy({ Reference.alphabet.contains($0) }) else { return nil }
        rawValue = text
    }

    init(unchecked: String) { rawValue = unchecked }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func random(using random: any RandomSource) -> Reference {
        let bytes = random.bytes(26)
        let chars = bytes.map { alphabet[Int($0 & 31)] }
        return Reference(unchecked: "CR-" + String(decoding: chars, as: UTF8.self))
    }

    public var description: String { rawValue }
}

/// How a choice was made. The website sends the first four; `withdraw` also comes from the DPO.
public enum ConsentMethod: String, Codable, Sendable, CaseIterable {
    case acceptAll = "accept_all"
    case acceptSelection = "accept_selection"
    case rejectAll = "reject_all"
    case withdraw
}

/// Who recorded a ledger entry.
public enum EntrySource: String, Codable, Sendable {
    /// The website, through the HTTP API.
    case web
    /// The DPO, on the person's behalf (letter, phone, office visit).
    case dpo
}

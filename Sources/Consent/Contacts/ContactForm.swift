/// The contact form as the website sends it, validated. Building one is the only way in:
/// what passes here is trusted inside.
public struct ContactForm: Sendable, Codable, Equatable {
    public var name: String
    /// The e-mail address; optional since contract v1.1 when a phone number is given.
    public var email: String?
    public var phone: String?
    public var message: String
    public var callbackTime: String?
    /// The banner's consent id, when the page sends it: links the request to the visitor's consent
    /// history for access and erasure requests.
    public var consentID: String?

    enum CodingKeys: String, CodingKey {
        case name, email, phone, message
        case callbackTime = "callback_time", consentID = "consent_id"
    }

    public static let limits = (name: 200, email: 254, phone: 40, message: 5000, callbackTime: 100)

    /// Validates raw fields; every problem is reported with its field name.
    public init(name: String?, email: String?, phone: String?, message: String?, callbackTime: String?,
                privacyNoticeAccepted: Bool?, consentID: String? = nil) throws(ConsentError) {
        var problems: [String: String] = [:]
        func text(_ value: String?, _ field: String, max: Int, required: Bool, multiline: Bool = false) -> String? {
            guard let raw = value else {
                if required { problems[field] = "is required" }
                return nil
            }
            let trimmed: String
            let forbidden: Bool
            // The value as sent, white space included, in Unicode code points: what the schema's
            // `maxLength` counts (a name padded with spaces past 200 is refused as the schema says).
            let length: Int
            if let ascii = Self.asciiText(raw, multiline: multiline) {
                (trimmed, forbidden) = ascii
                length = raw.utf8.count
            } else {
                trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                length = raw.unicodeScalars.count
                forbidden = trimmed.unicodeScalars.contains { s in
                    (s.value < 0x20 && !(multiline && (s == "\n" || s == "\r" || s == "\t"))) || s.value == 0x7f
                        || (0x202a...0x202e).contains(s.value) || (0x2066...0x2069).contains(s.value)
                }
            }
            if trimmed.isEmpty {
                if required { problems[field] = "must not be empty" }
                return nil
            }
            if length > max { problems[field] = "is longer than \(max) characters"; return nil }
            if forbidden { problems[field] = "contains control characters"; return nil }
            return trimmed
        }
        let name = text(name, "name", max: Self.limits.name, required: true)
        // Contract v1.1: an e-mail address *or* a phone number (the form asks for a callback time).
        let email = text(email, "email", max: Self.limits.email, required: false)
        if let email, !Self.looksLikeEmail(email) {
            problems["email"] = "is not an e-mail address (expected name@example.org)"
        }
        let phone = text(phone, "phone", max: Self.limits.phone, required: false)
        if let phone, !phone.unicodeScalars.allSatisfy({ "0123456789 +()/-.".unicodeScalars.contains($0) }) {
            problems["phone"] = "may hold only digits, spaces and + ( ) / - ."
        }
        if email == nil, phone == nil, problems["email"] == nil, problems["phone"] == nil {
            problems["email"] = "is required unless a phone number is given"
        }
        let message = text(message, "message", max: Self.limits.message, required: true, multiline: true)
        let callback = text(callbackTime, "callback_time", max: Self.limits.callbackTime, required: false)
        if privacyNoticeAccepted != true {
            problems["privacy_notice_accepted"] = "must be true: the privacy notice has to be accepted"
        }
        if let consentID, ConsentID(consentID) == nil { problems["consent_id"] = "is not a consent id" }
        if !problems.isEmpty {
            if problems.count == 1, let (f, m) = problems.first { throw .invalid(field: f, message: m) }
            throw .invalidFields(problems)
        }
        self.name = name!
        self.email = email
        self.phone = phone
        self.message = message!
        self.callbackTime = callback
        self.consentID = consentID
    }

    /// The checks of `text` on bytes for plain ASCII, the usual case (the general path walks the
    /// scalars through Foundation, 6 % of a contact request's CPU): the text trimmed of white
    /// space and line ends, and whether it holds a forbidden control character; `nil` for other text.
    static func asciiText(_ raw: String, multiline: Bool) -> (text: String, forbidden: Bool)? {
        let bytes = raw.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        // `.whitespacesAndNewlines` in ASCII: tab, line feed, vertical tab, form feed, return, space.
        func space(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else {
            return ("", false)
        }
        let kept = bytes[first...last]
        let forbidden = kept.contains { (b: UInt8) -> Bool in
            if b == 0x7F { return true }
            guard b < 0x20 else { return false }
            return !(multiline && (b == 0x0A || b == 0x0D || b == 0x09))
        }
        return (String(Substring(kept)), forbidden)
    }

    /// A deliberately plain shape check: one `@`, a local part of at most 64 bytes without spaces,
    /// a domain with a dot, labels of letters, digits and hyphens (Unicode letters allowed).
    static func looksLikeEmail(_ text: String) -> Bool {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? looksLikeASCIIEmail(Array(text.utf8)) : looksLikeUnicodeEmail(text)
    }

    static func looksLikeUnicodeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        guard local.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.value > 0x20 && !"()<>[]\\,;:\"".unicodeScalars.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            guard label.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }) else { return false }
        }
        return labels.last!.count >= 2
    }

    /// ``looksLikeEmail(_:)`` on bytes for ASCII text (the usual case): in ASCII, white space is
    /// below 0x21, letters are A–Z and a–z, and a character is a byte (in a label; `\r\n` cannot pass).
    static func looksLikeASCIIEmail(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        let dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        guard !local.isEmpty, local.count <= 64, local.first != dot, local.last != dot,
              !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) else { return false }
        let refused = Array("()<>[]\\,;:\"".utf8)
        guard local.allSatisfy({ $0 > 0x20 && !refused.contains($0) }) else { return false }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen else { return false }
            guard label.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == hyphen })
            else { return false }
        }
        return labels.last!.count >= 2
    }
}

import Foundation

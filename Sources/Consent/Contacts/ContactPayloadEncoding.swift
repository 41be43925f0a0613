/// The sealed payload's JSON, written by hand on the hot path of the contact form: byte for byte
/// what `JSONEncoder` with sorted keys writes (Foundation's encoder cost 4 % of a request's CPU).
/// `ContactArchive` still reads it with `JSONDecoder`; a test holds the two encoders equal.
extension ContactPayload {
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + form.name.utf8.count + form.message.utf8.count + (form.email?.utf8.count ?? 0)
                            + (form.phone?.utf8.count ?? 0) + (form.callbackTime?.utf8.count ?? 0))
        out.append(contentsOf: #"{"form":{"#.utf8)
        var first = true
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: #"":"#.utf8)
            Self.appendString(value, to: &out)
        }
        // Keys in sorted order, as `.sortedKeys` writes them; absent optionals are left out.
        field("callback_time", form.callbackTime)
        field("consent_id", form.consentID)
        field("email", form.email)
        field("message", form.message)
        field("name", form.name)
        field("phone", form.phone)
        out.append(contentsOf: #"},"privacy_notice_accepted_at":"#.utf8)
        Self.appendString(privacyNoticeAcceptedAt, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A JSON string as Foundation's `JSONEncoder` writes it: `"`, `\` and `/` escaped, the short
    /// escapes for backspace, form feed, newline, return and tab, `\u00XX` for other controls.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

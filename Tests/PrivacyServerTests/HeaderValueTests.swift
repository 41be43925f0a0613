import HTTPTypes
import Testing
@testable import PrivacyServer

/// `HTTPFields.value(of:)` must read every header exactly as the subscript it replaces on the hot
/// path: one field as it is, several joined (", ", or "; " for cookies), none as nil, names in any
/// letter case.
@Suite("Header values read without joining")
struct HeaderValueTests {
    static let names: [HTTPField.Name] = [
        .contentType, .contentLength, .userAgent, .cookie, HTTPField.Name("Sec-GPC")!, .accept,
        HTTPField.Name("X-Forwarded-For")!,
    ]
    static let spellings = ["content-type", "Content-Type", "CONTENT-TYPE", "content-length", "User-Agent",
                            "cookie", "Cookie", "sec-gpc", "Sec-GPC", "accept", "x-forwarded-for", "X-Other"]
    static let values = ["application/json", "12", "", " 1 ", "a, b", "a=1; b=2", "Mozilla/5.0 (X11; Linux x86_64)", "ü"]

    @Test("random header lists: the same value as the subscript for every name")
    func randomHeaders() {
        var generator = SeededGenerator(seed: 0x4845_4144)
        var several = 0
        for _ in 0..<3_000 {
            var fields = HTTPFields()
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let name = HTTPField.Name(Self.spellings.randomElement(using: &generator)!)!
                fields.append(HTTPField(name: name, value: Self.values.randomElement(using: &generator)!))
            }
            for name in Self.names {
                #expect(fields.value(of: name) == fields[name], "\(name) in \(fields)")
                if fields[values: name].count > 1 { several += 1 }
            }
        }
        #expect(several > 100, "repeated fields were exercised \(several) times")
    }

    @Test("one field as it is, two joined, none nil")
    func examples() {
        var fields: HTTPFields = [.contentType: "application/json"]
        #expect(fields.value(of: .contentType) == "application/json")
        #expect(fields.value(of: .contentLength) == nil)
        fields.append(HTTPField(name: HTTPField.Name("CONTENT-TYPE")!, value: "text/plain"))
        #expect(fields.value(of: .contentType) == "application/json, text/plain")
        fields.append(HTTPField(name: .cookie, value: "a=1"))
        fields.append(HTTPField(name: .cookie, value: "b=2"))
        #expect(fields.value(of: .cookie) == "a=1; b=2")
    }
}

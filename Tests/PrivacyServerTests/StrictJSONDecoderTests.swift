import Foundation
import Testing
@testable import PrivacyServer

/// ``StrictJSONDecoder`` replaced `JSONDecoder` on the request path (issue 16): for every body that
/// passes ``StrictJSON``, both must decode the same value or fail with the same API error
/// (status, code, message, field).
@Suite("Strict JSON decoder answers as JSONDecoder did")
struct StrictJSONDecoderTests {
    static let consentBodies = [
        #"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":true},"services":{"youtube":false}}"#,
        #"{"policy_version":"2024-03-01","method":"accept_all","page_url":"https://x.example/a\/b","language":"de","consent_id":"abcdefgh12"}"#,
        #"{}"#, #"{"unknown":[1,2,{"x":null}],"method":null}"#,
        #"{"policy_version":1}"#, #"{"policy_version":true}"#, #"{"policy_version":["a"]}"#, #"{"policy_version":{}}"#,
        #"{"method":1.5e3}"#, #"{"purposes":"all"}"#, #"{"purposes":[true]}"#, #"{"purposes":{"a":null}}"#,
        #"{"purposes":{"a":"yes"}}"#, #"{"purposes":{"a":1}}"#, #"{"purposes":{"a":true,"b":{"c":true}}}"#,
        #"{"services":{"a\u0000b":true}}"#, #"{"page_url":"\ud83d\ude00 \u00e9 \"q\" \\ \/ \b\f\n\r\t"}"#,
        #"{"language":"e\u0301","consent_id":"Grüße"}"#, #"{"purposes":null,"services":null}"#,
        #"{"policy_version":-0,"method":0}"#, #"{"a":01,"b":-00.5,"method":"accept_all"}"#, #"{"services":{"a":true,"b":null}}"#, #"{"policy_version":"x","method":"accept_all","purposes":{}}"#,
    ]

    static let formBodies = [
        #"{"name":"Erika","email":"e@example.org","message":"Hallo","privacy_notice_accepted":true}"#,
        #"{"name":"Erika","privacy_notice_accepted":"true"}"#, #"{"privacy_notice_accepted":1}"#,
        #"{"privacy_notice_accepted":null,"name":null}"#, #"{"name":["Erika"],"email":{"a":1}}"#,
        #"{"callback_time":false,"phone":12345,"consent_id":"x"}"#, #"{"message":"\u2028\u2029 😀"}"#,
    ]

    /// A decoded body's members, with the elements of an object in key order (a dictionary's own
    /// description has no fixed order).
    static func canonical(_ value: Any) -> String {
        Mirror(reflecting: value).children.map { child in
            let shown = (child.value as? [String: Bool]).map { flags in "\(flags.sorted { $0.key < $1.key })" } ?? "\(child.value)"
            return "\(child.label ?? "?"): \(shown)"
        }.joined(separator: ", ")
    }

    /// The outcome as the API would answer it.
    static func outcome<T: Decodable>(_ type: T.Type, _ decode: () throws -> T) -> String {
        do {
            return "ok: \(canonical(try decode()))"
        } catch let error as DecodingError {
            let api = RequestDecoding.map(error)
            return "\(api.status.code) \(api.code) \(api.message) \(api.fields?.sorted { $0.key < $1.key } ?? [])"
        } catch {
            return "other: \(error)"
        }
    }

    /// The three readings agree: `JSONDecoder`, ``StrictJSONDecoder`` and the body's own
    /// ``StrictJSONBody/init(strict:)`` (what the route uses).
    static func compare<T: StrictJSONBody>(_ type: T.Type, _ body: String) throws {
        let bytes = Array(body.utf8)
        let object = try StrictJSON.parse(bytes)
        let strict = outcome(type) { try StrictJSONDecoder.decode(type, from: object) }
        let direct = outcome(type) { try T(strict: object) }
        let foundation = outcome(type) { try JSONDecoder().decode(type, from: Data(bytes)) }
        #expect(strict == foundation, "\(body)")
        #expect(direct == foundation, "\(body)")
    }

    /// A random body over the members both bodies read (and one they do not), each member of a
    /// random JSON type; sometimes an object of flags with one wrong element.
    static func randomBody(_ keys: [String], _ generator: inout some RandomNumberGenerator) -> String {
        let scalars = [#""text""#, #""Gr\u00fc\u00dfe""#, #""Grüße 山田""#, "true", "false", "null", "0", "-1.5e3", #"["a",1]"#, #"{}"#, #"{"a":true}"#,
                       #"{"a":true,"b":false}"#, #"{"a":null}"#, #"{"a":"yes"}"#, #"{"a":true,"b":1}"#, #"{"x":{"y":true}}"#]
        var members: [String] = []
        for key in (keys + ["unknown"]).shuffled(using: &generator) where Bool.random(using: &generator) {
            members.append("\"\(key)\":\(scalars.randomElement(using: &generator)!)")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    @Test("random consent and contact bodies: the direct reading answers as JSONDecoder", arguments: [1, 2, 3])
    func randomBodies(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<700 {
            try Self.compare(ConsentRoutes.RecordBody.self, Self.randomBody(
                ["consent_id", "policy_version", "purposes", "services", "method", "page_url", "language"], &generator))
            try Self.compare(ContactRoutes.FormBody.self, Self.randomBody(
                ["name", "email", "phone", "message", "callback_time", "privacy_notice_accepted", "consent_id"], &generator))
        }
    }

    @Test("Content-Type: the byte-wise match of the usual spellings answers as the general reading", arguments: [
        "application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8", "APPLICATION/JSON",
        "application/json;charset=utf-8", "application/json; charset=utf8", "application/json; charset=latin-1",
        "application/jsonx", "application/json; charset=utf-9", "text/plain", "", " application/json ",
        "application\u{0F}json", "application/json; charset=utf\u{0D}8", "application/json; charset=utf-8 ",
    ])
    func contentType(header: String) {
        func answer(_ check: () throws -> Void) -> String {
            do { try check(); return "ok" } catch let error as APIError { return "\(error.status.code) \(error.message)" } catch { return "\(error)" }
        }
        let general = answer { try RequestDecoding.checkContentTypeInGeneral(header) }
        let checked = answer { try RequestDecoding.checkContentType(header) }
        #expect(general == checked, "\(header)")
        if RequestDecoding.isPlainJSON(header) { #expect(general == "ok", "\(header)") }
    }

    @Test("consent bodies", arguments: consentBodies)
    func consent(body: String) throws { try Self.compare(ConsentRoutes.RecordBody.self, body) }

    @Test("contact-form bodies", arguments: formBodies)
    func form(body: String) throws { try Self.compare(ContactRoutes.FormBody.self, body) }

    @Test("what JSONDecoder refused while parsing is refused by StrictJSON (400)", arguments: [
        #"{"page_url":"\ud800"}"#, #"{"page_url":"\udc00\ud800"}"#, #"{"\ud800":1}"#
    ])
    func refusedWhileParsing(body: String) {
        #expect(throws: StrictJSON.Failure.self) { try StrictJSON.parse(Array(body.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ConsentRoutes.RecordBody.self, from: Data(body.utf8)) }
    }

    @Test("an unpaired surrogate is refused even in a member no type reads (JSONDecoder let that one through)")
    func surrogateInUnreadMember() {
        #expect(throws: StrictJSON.Failure.self) { try StrictJSON.parse(Array(#"{"a":"\ud800\u0041","method":"accept_all"}"#.utf8)) }
    }

    @Test("numbers are read exactly or refused", arguments: [("42", 42), ("-7", -7), ("0", 0)])
    func integers(text: String, value: Int) throws {
        struct Box: Decodable { var n: Int }
        let object = try StrictJSON.parse(Array(#"{"n":\#(text)}"#.utf8))
        #expect(try StrictJSONDecoder.decode(Box.self, from: object).n == value)
        let tooBig = try StrictJSON.parse(Array(#"{"n":1e400}"#.utf8))
        #expect(throws: DecodingError.self) { try StrictJSONDecoder.decode(Box.self, from: tooBig) }
    }
}

/// SplitMix64: a reproducible sequence for the random bodies (a failure names its seed).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

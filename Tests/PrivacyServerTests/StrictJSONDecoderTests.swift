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

    /// The outcome as the API would answer it.
    static func outcome<T: Decodable>(_ type: T.Type, _ decode: () throws -> T) -> String {
        do {
            return "ok: \(try decode())"
        } catch let error as DecodingError {
            let api = RequestDecoding.map(error)
            return "\(api.status.code) \(api.code) \(api.message) \(api.fields?.sorted { $0.key < $1.key } ?? [])"
        } catch {
            return "other: \(error)"
        }
    }

    static func compare<T: Decodable>(_ type: T.Type, _ body: String) throws {
        let bytes = Array(body.utf8)
        let object = try StrictJSON.parse(bytes)
        let strict = outcome(type) { try StrictJSONDecoder.decode(type, from: object) }
        let foundation = outcome(type) { try JSONDecoder().decode(type, from: Data(bytes)) }
        #expect(strict == foundation, "\(body)")
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

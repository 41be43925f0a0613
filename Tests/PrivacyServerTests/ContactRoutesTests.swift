import Consent
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("POST /v1/contact-requests")
struct ContactRoutesTests {
    @Test("a valid form is sealed and answered 201 with a reference; only the secret key opens it")
    func accepted() async throws {
        let fixture = try ServerFixture()
        let reference = try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validContact)) { response in
                #expect(response.status == .created)
                return json(response)["reference"] as? String ?? ""
            }
        }
        #expect(Reference(reference) != nil)
        let opened = try await fixture.archive.show(reference)
        #expect(opened.name == "Erika Mustermann")
        #expect(opened.callbackTime == "Di 15-18 Uhr")
        #expect(opened.message == "Bitte um Rückruf wegen des Nachbarschaftsfests.")
    }

    @Test("the collection window closes at 2025-01-01T00:00:00+01:00 (410 programme_ended)", arguments: [
        ("2024-12-31T23:59:59+01:00", HTTPResponse.Status.created),
        ("2025-01-01T00:00:00+01:00", HTTPResponse.Status.gone),
        ("2026-11-24T12:00:00+01:00", HTTPResponse.Status.gone),
    ])
    func window(instant: String, status: HTTPResponse.Status) async throws {
        let fixture = try ServerFixture()
        try await fixture.application(at: Timestamp.parse(instant)!).test(.router) { client in
            try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validContact)) { response in
                #expect(response.status == status)
                if status == .gone { #expect(errorCode(response) == "programme_ended") }
            }
            // Consents are still recorded after the end.
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: validConsent)) {
                #expect($0.status == .created)
            }
        }
        #expect(try await fixture.contactCount() == (status == .created ? 1 : 0))
    }

    @Test("invalid forms are 422 naming the field, and store nothing", arguments: [
        (#"{"email":"a@example.org","message":"m","privacy_notice_accepted":true}"#, "name"),
        (#"{"name":" ","email":"a@example.org","message":"m","privacy_notice_accepted":true}"#, "name"),
        (#"{"name":"A","email":"not-an-address","message":"m","privacy_notice_accepted":true}"#, "email"),
        (#"{"name":"A","email":"a@localhost","message":"m","privacy_notice_accepted":true}"#, "email"),
        (#"{"name":"A","email":"a@example.org","privacy_notice_accepted":true}"#, "message"),
        (#"{"name":"A","email":"a@example.org","message":"m","privacy_notice_accepted":false}"#, "privacy_notice_accepted"),
        (#"{"name":"A","email":"a@example.org","message":"m"}"#, "privacy_notice_accepted"),
        (#"{"name":"A","email":"a@example.org","message":"m","phone":"call me","privacy_notice_accepted":true}"#, "phone"),
        (#"{"name":"A\u0000B","email":"a@example.org","message":"m","privacy_notice_accepted":true}"#, "name"),
        (#"{"name":["A"],"email":"a@example.org","message":"m","privacy_notice_accepted":true}"#, "name"),
        (#"{"name":"A","email":"a@example.org","message":"m","privacy_notice_accepted":"yes"}"#, "privacy_notice_accepted"),
    ])
    func invalid(body: String, field: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(errorFields(response)?[field] != nil)
            }
        }
        #expect(try await fixture.contactCount() == 0)
    }

    @Test("contract v1.1: a phone number instead of an e-mail address is enough; neither is 422 naming email")
    func emailOrPhone() async throws {
        let fixture = try ServerFixture()
        let phoneOnly = #"{"name":"A","phone":"+49 3605 123456","message":"m","privacy_notice_accepted":true}"#
        let neither = #"{"name":"A","message":"m","callback_time":"vormittags","privacy_notice_accepted":true}"#
        let reference = try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: neither)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(errorFields(response)?["email"] != nil)
            }
            return try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: phoneOnly)) { response in
                #expect(response.status == .created)
                return json(response)["reference"] as? String ?? ""
            }
        }
        let opened = try await fixture.archive.show(reference)
        #expect(opened.email == nil && opened.phone == "+49 3605 123456")
        #expect(try await fixture.contactCount() == 1)
    }

    @Test("names in any script are stored exactly", arguments: ["👩‍👩‍👧 Familie", "مرحبا بكم", "山田太郎", "Zoë Ångström-Łukasz", "e\u{301}tienne"])
    func unicodeNames(name: String) async throws {
        let fixture = try ServerFixture()
        let body = try String(decoding: JSONSerialization.data(withJSONObject: [
            "name": name, "email": "u@example.org", "message": "Hallo", "privacy_notice_accepted": true,
        ]), as: UTF8.self)
        let reference = try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/contact-requests", method: .post, headers: jsonHeaders, body: ByteBuffer(json: body)) {
                #expect($0.status == .created)
                return json($0)["reference"] as! String
            }
        }
        let stored = try await fixture.archive.show(reference).name
        #expect(Array(stored.utf8) == Array(name.utf8))
    }

    @Test("the 201's body is written as JSONEncoder writes it", arguments: ["K7Q2-M9X4", "ABCD-EFGH", "a\"b\\c/d", ""])
    func createdAsTheEncoder(_ reference: String) throws {
        let created = ContactRoutes.Created(reference: reference)
        #expect(created.apiJSON() == [UInt8](try JSONEncoder.api.encode(created)))
    }
}

import HTTPTypes
import Consent
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("GET /v1/config, /healthz, / and /consent.js")
struct ConfigAndSiteTests {
    @Test("the banner's configuration in German and English, German when the language is unknown", arguments: [
        ("de", "de", "Alle akzeptieren"), ("en", "en", "Accept all"), ("fr", "de", "Alle akzeptieren"),
    ])
    func config(asked: String, served: String, acceptAll: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/config?lang=\(asked)", method: .get) { response in
                #expect(response.status == .ok)
                let body = try object(response)
                #expect(body["policy_version"] as? String == "2024-03-01")
                #expect(body["language"] as? String == served)
                #expect(body["consent_valid_days"] as? Int == 365)
                #expect((body["texts"] as? [String: String])?["accept_all"] == acceptAll)
                let purposes = try #require(body["purposes"] as? [[String: Any]])
                #expect(purposes.map { $0["id"] as? String } == ["necessary", "external_media"])
                #expect(purposes[0]["required"] as? Bool == true)
                let services = try #require(purposes[1]["services"] as? [[String: Any]])
                #expect(services.map { $0["id"] as? String } == ["youtube", "google_maps"])
                #expect(services.allSatisfy { ($0["privacy_url"] as? String)?.hasPrefix("https://") == true })
            }
        }
    }

    @Test("the answer encoded once per language and contact-form state is the one JSONEncoder writes; the clock picks the state", arguments: [
        ("2024-06-01T12:00:00+02:00", true), ("2025-01-15T12:00:00+01:00", false),
    ])
    func configEncodedOnce(now: String, open: Bool) async throws {
        let fixture = try ServerFixture()
        let services = try fixture.services(at: Timestamp.parse(now)!)
        let all = try ConfigRoutes.encodeAll(services)
        #expect(Set(all.keys) == Set(services.policy.textLanguages))
        for (language, states) in all {
            for (state, encoded) in states {
                let fresh = ConfigRoutes.config(services, language: language, contactRequestsOpen: state)
                let expected = [UInt8](try JSONEncoder.api.encode(fresh))
                #expect(encoded.json == expected)
            }
        }
        try await fixture.application(at: Timestamp.parse(now)!).test(.router) { client in
            for language in services.policy.textLanguages {
                try await client.execute(uri: "/v1/config?lang=\(language)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(Array(response.body.readableBytesView) == all[language]?[open]?.json)
                    let body = try object(response)
                    #expect(body["contact_requests_open"] as? Bool == open)
                }
            }
        }
    }

    @Test("health, the demo page with its content security policy, and the banner script")
    func site() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
                #expect(String(buffer: response.body).contains("consent.js"))
            }
            let scriptLength = try await client.execute(uri: "/consent.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                return response.body.readableBytes
            }
            try await client.execute(uri: "/consent.js", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == String(scriptLength))
            }
        }
    }
}

import HTTPTypes
@testable import Consent
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

/// `GET /v1/config` serves the banner script's own strings, and the hash of exactly what it serves
/// is the hash a choice in that language records (issue 11, "Texts kept").
@Suite("GET /v1/config: banner strings and the texts hash")
struct ConfigTextsTests {
    @Test("banner_strings and texts_hash per language; a choice in it records that hash", arguments: [
        ("de", "{service} erlauben und laden", "Immer aktiv"), ("en", "Allow and load {service}", "Always active"),
    ])
    func servedAndRecorded(language: String, button: String, alwaysActive: String) async throws {
        let fixture = try ServerFixture()
        let policy = try fixture.services().policy
        try await fixture.application().test(.router) { client in
            let served = try await client.execute(uri: "/v1/config?lang=\(language)", method: .get) { response in
                let body = try object(response)
                let strings = try #require(body["banner_strings"] as? [String: String])
                #expect(strings["placeholder_button"] == button)
                #expect(strings["always_active"] == alwaysActive)
                #expect(Set(strings.keys) == BannerStrings.keys)
                let hash = try #require(body["texts_hash"] as? String)
                #expect(hash == TextsSnapshot(policy.texts(language: language)).hashHex)
                return hash
            }
            let choice = #"{"policy_version":"2024-03-01","method":"accept_selection","purposes":{"necessary":true},"services":{"youtube":true},"language":"\#(language)"}"#
            try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: choice)) { response in
                #expect(response.status == .created)
                let receipt = try object(response)["receipt"] as? [String: Any]
                #expect(receipt?["texts_hash"] as? String == served)
            }
        }
    }

    @Test("a withdrawal records the texts of the banner's language (?lang=), German without it", arguments: [
        ("?lang=en", "en"), ("", "de"), ("?lang=fr", "de"),
    ])
    func withdrawalTexts(query: String, shown: String) async throws {
        let fixture = try ServerFixture()
        let policy = try fixture.services().policy
        try await fixture.application().test(.router) { client in
            let given = #"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":true,"external_media":true}}"#
            let id = try await client.execute(uri: "/v1/consents", method: .post, headers: jsonHeaders, body: ByteBuffer(json: given)) {
                json($0)["consent_id"] as! String
            }
            try await client.execute(uri: "/v1/consents/\(id)\(query)", method: .delete) { response in
                #expect(response.status == .ok)
                let receipt = json(response)["receipt"] as? [String: Any]
                #expect(receipt?["texts_hash"] as? String == TextsSnapshot(policy.texts(language: shown)).hashHex)
            }
        }
        let language = try await fixture.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT language FROM consent_ledger ORDER BY seq DESC LIMIT 1")
        }
        #expect(language == (query.isEmpty || shown == "de" ? nil : shown))
    }
}

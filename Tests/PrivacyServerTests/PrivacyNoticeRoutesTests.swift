@testable import Consent
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("GET /datenschutz and /privacy; minimisation over HTTP")
struct PrivacyNoticeRoutesTests {
    @Test("the notice is served as HTML in German and English, the same text the CLI renders", arguments: [
        ("/datenschutz", "de", "Datenschutzerklärung", "/privacy"),
        ("/privacy", "en", "Privacy notice", "/datenschutz"),
    ])
    func notice(path: String, lang: String, title: String, other: String) async throws {
        let fixture = try ServerFixture()
        let policy = try PolicyParser.load(path: ServerFixture.policyPath)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
                let html = String(buffer: response.body)
                #expect(html.hasPrefix("<!doctype html>\n<html lang=\"\(lang)\">"))
                #expect(html.contains("<h1>\(title)</h1>"))
                #expect(html.contains("href=\"\(other)\""))
                #expect(html.contains(policy.dpo?.email ?? "no DPO"))
                #expect(html.contains("TLfDI"))
                // The same body as `policy render notice --format html`, but for the page links.
                let bare = DocumentWriter.render(policy.document(.notice, language: lang), as: .html)
                let main = { (s: String) in String(s[s.range(of: "<main")!.lowerBound...]) }
                #expect(main(html) == main(bare))
            }
            try await client.execute(uri: path, method: .head) { #expect($0.status == .ok) }
        }
    }

    @Test("a refusal sent over HTTP is stored without IP prefix and user agent; a consent keeps both")
    func refusalMinimised() async throws {
        let fixture = try ServerFixture()
        var h = jsonHeaders
        h[.userAgent] = "TestBrowser/1.0"
        let headers = h
        let reject = #"{"policy_version":"2024-03-01","method":"reject_all","purposes":{}}"#
        try await fixture.application().test(.live) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers, body: ByteBuffer(json: reject)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers, body: ByteBuffer(json: validConsent)) {
                #expect($0.status == .created)
            }
        }
        let rows = try await fixture.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT method, ip_prefix, user_agent FROM consent_ledger ORDER BY seq")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["method"] as String? == "reject_all")
        #expect(rows[0]["ip_prefix"] as String? == nil && rows[0]["user_agent"] as String? == nil)
        #expect(rows[1]["ip_prefix"] as String? == "127.0.0.0" && rows[1]["user_agent"] as String? == "TestBrowser/1.0")
    }

    @Test("the banner's configuration states each purpose's one basis in the asked language")
    func configBasis() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/config?lang=en", method: .get) { response in
                let purposes = try #require(json(response)["purposes"] as? [[String: Any]])
                let bases = purposes.compactMap { $0["legal_basis"] as? String }
                #expect(bases.count == 2)
                #expect(bases[0].hasPrefix("Art. 6(1)(e) GDPR"))
                #expect(bases[1].hasPrefix("Art. 6(1)(a) GDPR"))
            }
        }
    }
}

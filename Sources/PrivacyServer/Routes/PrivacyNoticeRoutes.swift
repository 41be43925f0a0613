import Consent
import HTTPTypes
import Hummingbird

/// `GET /datenschutz` (German) and `GET /privacy` (English): the privacy notice (Art. 13 GDPR) as
/// HTML, generated from the policy by the same code as `privacyctl policy render notice`.
struct PrivacyNoticeRoutes {
    let services: WebFacingServices

    static let pages: [(path: String, language: String, other: (code: String, url: String, label: String))] = [
        ("/datenschutz", "de", ("en", "/privacy", "English")),
        ("/privacy", "en", ("de", "/datenschutz", "Deutsch")),
    ]

    func register(on router: Router<PrivacyRequestContext>) {
        for page in Self.pages {
            // The policy does not change while the server runs: render once.
            let html = DocumentWriter.render(services.policy.document(.notice, language: page.language), as: .html,
                                             links: .init(home: "/", otherLanguage: page.other))
            let buffer = ByteBuffer(string: html)
            router.get(RouterPath(page.path)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = "text/html; charset=utf-8"
                headers[.cacheControl] = "no-cache"
                headers[HTTPField.Name("Content-Security-Policy")!] = SiteRoutes.contentSecurityPolicy
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
            }
        }
    }
}

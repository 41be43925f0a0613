import HTTPTypes
import Foundation
import Hummingbird

/// `GET /` and the banner script and demo page from the bundled `Resources/site`.
struct SiteRoutes {
    /// Files served as they are, read once at start-up.
    static let files: [(path: String, file: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/consent.js", "consent.js", "text/javascript; charset=utf-8"),
        ("/site.js", "site.js", "text/javascript; charset=utf-8"),
        ("/site.css", "site.css", "text/css; charset=utf-8"),
    ]

    /// The demo page loads nothing from a third party until the visitor allows it; the frames the
    /// two-click placeholders create are the only exception the policy names.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src https://www.youtube-nocookie.com https://www.google.com https://maps.google.com; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func register(on router: Router<PrivacyRequestContext>) {
        // PRIVACY_SITE_DIR serves the page from a working folder instead of the bundled copy
        // (for working on the banner without rebuilding).
        let siteDir = ProcessInfo.processInfo.environment["PRIVACY_SITE_DIR"]
        for entry in Self.files {
            let url = siteDir.map { URL(fileURLWithPath: $0).appendingPathComponent(entry.file) }
                ?? Bundle.module.url(forResource: entry.file, withExtension: nil, subdirectory: "Resources/site")
                ?? Bundle.module.url(forResource: entry.file, withExtension: nil, subdirectory: "site")
            guard let url, let data = try? Data(contentsOf: url) else { continue }
            let buffer = ByteBuffer(bytes: data)
            let type = entry.type
            router.get(RouterPath(entry.path)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = type
                headers[.cacheControl] = "no-cache"
                if type.hasPrefix("text/html") {
                    headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
                }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
            }
        }
    }
}

import HTTPTypes
import Foundation
import Hummingbird

/// `GET /`, `GET /healthz`, and the banner script and demo page from the bundled `Resources/site`.
struct SiteRoutes {
    let engine: Engine

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
        router.get("/healthz") { _, _ in
            // 503 only when the database does not answer or cannot take writes (the contract); a key
            // the server may not seal to, or a failed scheduled purge or chain check, keeps 200 with
            // "degraded" and the detail.
            struct Health: Encodable {
                var status: String
                var problems: [String]?
                var purge: String?
                var audit: String?
            }
            guard await engine.store.isHealthy() else {
                throw APIError(status: .serviceUnavailable, code: "database_unavailable", message: "The database does not answer.")
            }
            // A write failed for want of space or the lock: report it until a write (or the probe
            // started here) succeeds again.
            engine.health.probeIfFailing(engine.store)
            if let condition = engine.health.condition { throw APIError(condition) }
            var problems: [String] = []
            // Contact requests are refused while vault.pub is unusable.
            if let refusal = engine.keys.refusal {
                let problem = if case .unpinned = refusal { "vault_key_unpinned" } else { "vault_key_unavailable" }
                problems.append(problem)
            }
            let purge = await engine.purgeHealth.purgeFailure, audit = await engine.purgeHealth.auditFailure
            let degraded = !problems.isEmpty || purge != nil || audit != nil
            return try jsonResponse(Health(status: degraded ? "degraded" : "ok", problems: problems.isEmpty ? nil : problems,
                                           purge: purge, audit: audit))
        }
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

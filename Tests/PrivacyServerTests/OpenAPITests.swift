import Foundation
import Hummingbird
@testable import PrivacyServer
import Testing
import Yams

@Suite("openapi.yaml stays true")
struct OpenAPITests {
    @Test("the operations in openapi.yaml are exactly the routes the app registers")
    func specMatchesRoutes() throws {
        let fixture = try ServerFixture()
        let router = buildRouter(engine: try fixture.engine(), configuration: ServerConfiguration(rateLimitPerMinute: nil, purgeIntervalSeconds: nil))
        let registered = Set(router.routes.map { route -> String in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
        })
        let specURL = ServerFixture.repoRoot.appendingPathComponent("openapi.yaml")
        let spec = try #require(try Yams.load(yaml: String(contentsOf: specURL, encoding: .utf8)) as? [String: Any])
        let paths = try #require(spec["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(registered == documented)
        #expect(Set(PublicRoutes.list.map { "\($0.method) \($0.path)" }).isSubset(of: documented))
    }
}

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
        let router = buildRouter(services: try fixture.services(), configuration: ServerConfiguration(rateLimitPerMinute: nil, purgeIntervalSeconds: nil))
        let registered = Set(router.routes.filter { $0.method != .head }.map { route -> String in
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
        // The 405 answers' `Allow` lists come from the same router: each documented path allows
        // exactly its documented methods.
        let table = RouteMethods()
        table.fill(from: router)
        for path in Set(documented.map { String($0.split(separator: " ")[1]) }) {
            let sample = path.split(separator: "/").map { $0.hasPrefix("{") ? "abcdefgh12345678" : String($0) }.joined(separator: "/")
            let allowed = Set((table.methods(at: "/" + sample) ?? []).map { "\($0.rawValue) \(path)" })
            #expect(allowed == documented.filter { $0.hasSuffix(" \(path)") }, "\(path)")
        }
    }
}

import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each route takes, read from the router's own route list once the routes are
/// registered (the middlewares that need it are added before the routes, so it is filled after).
///
/// Ours because Hummingbird's router answers a known path with an unknown method as 404 and keeps
/// no `Allow` list; the API answers 405 with `Allow` (RFC 9110 §15.5.6).
final class RouteMethods: Sendable {
    struct Route: Sendable {
        /// Path segments; `*` for a parameter (`{name}` in the router's description).
        var pattern: [Substring]
        var methods: [HTTPRequest.Method]
    }

    /// The order methods are listed in `Allow`. HEAD is never listed: every GET route answers it.
    static let order: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    private let routes = Mutex<[Route]>([])

    init() {}

    /// Takes the router's routes (call after the last route is registered).
    func fill<Context>(from router: Router<Context>) {
        var grouped: [String: Set<HTTPRequest.Method>] = [:]
        var paths: [String] = []
        for route in router.routes where route.method != .head {
            let path = route.path.description
            if grouped[path] == nil { paths.append(path) }
            grouped[path, default: []].insert(route.method)
        }
        let table = paths.map { path in
            let methods = grouped[path]!
            let listed = Self.order.filter { methods.contains($0) } + methods.filter { !Self.order.contains($0) }.sorted { $0.rawValue < $1.rawValue }
            return Route(pattern: path.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix(":") ? Substring("*") : $0 }, methods: listed)
        }
        routes.withLock { $0 = table }
    }

    /// The methods of the route at `path`, or `nil` when no route has this shape.
    func methods(at path: String) -> [HTTPRequest.Method]? {
        let parts = path.split(separator: "/")
        return routes.withLock { routes in
            routes.first { $0.pattern.count == parts.count && zip($0.pattern, parts).allSatisfy { $0 == "*" || $0 == $1 } }?.methods
        }
    }
}

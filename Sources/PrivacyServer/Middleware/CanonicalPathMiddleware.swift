import HTTPTypes
import Hummingbird

/// Gives every route exactly one spelling before the rate limit and the router see the request.
/// The router would read `//v1/consents`, `/./v1/consents` or `/v1/../v1/consents` as
/// `/v1/consents`, while a limit keyed on the path as sent would see another path (issue: 527
/// consents against a limit of ~326). So:
///
/// - dot segments (`.`, `..`, also as `%2e`) are removed as RFC 3986 §5.2.4 says, and the request
///   goes on with the normalised path (`/v1/../v1/consents` *is* `/v1/consents`, limit included;
///   `/v1/consents/../etc` is `/v1/etc`, 404);
/// - an empty segment (`//v1/consents`, `/v1//consents`, `/v1/consents/`) or a percent-escape of a
///   character that needs none (`%76` for `v`; RFC 3986 §6.2.2.2) is refused: 400 with the envelope.
///
/// Two halves, because the router picks a route before its middlewares run: ``CanonicalPathResponder``
/// wraps the router and normalises; this middleware (first after the error envelope) refuses.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext

    enum Outcome: Equatable {
        case canonical
        case normalised(String)
        case refused(String)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if case .refused(let problem) = Self.check(request.uri.path) {
            throw APIError.malformed("The request path is not in canonical form (\(problem)); spell it as the API documents, e.g. /v1/consents.")
        }
        return try await next(request, context)
    }

    static func check(_ path: String) -> Outcome {
        guard path.hasPrefix("/") else { return .refused("it does not begin with /") }
        if path == "/" || isPlainlyCanonical(path) { return .canonical }
        var output: [Substring] = []
        var changed = false
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return .refused("an empty segment") }
            switch dotSegment(segment) {
            case 1: changed = true
            case 2: changed = true; if !output.isEmpty { output.removeLast() }
            default:
                if hasNeedlessEscape(segment) { return .refused("a percent-escape of a character that needs none") }
                output.append(segment)
            }
        }
        return changed ? .normalised("/" + output.joined(separator: "/")) : .canonical
    }

    /// The usual request, decided in one pass over the bytes: no `%` (so no escape), no `//` and no
    /// trailing `/` (so no empty segment), no `/.` (so no dot segment). Anything else takes the full check.
    private static func isPlainlyCanonical(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") { return false }
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return previous != UInt8(ascii: "/")
    }

    /// 1 for `.`, 2 for `..` (each dot plain or as `%2e`/`%2E`), else 0. On the bytes: Foundation's
    /// `replacingOccurrences` was the most of refusing a path such as `/v1/consents/`.
    static func dotSegment(_ segment: Substring) -> Int {
        var dots = 0
        var bytes = segment.utf8[...]
        while let first = bytes.first {
            if first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
            } else if first == UInt8(ascii: "%"), bytes.count >= 3,
                      bytes.dropFirst().first == UInt8(ascii: "2"), bytes.dropFirst(2).first.map({ $0 | 0x20 }) == UInt8(ascii: "e") {
                bytes = bytes.dropFirst(3)
            } else {
                return 0
            }
            dots += 1
            if dots > 2 { return 0 }
        }
        return dots
    }

    /// `true` when the segment escapes an unreserved character (ALPHA, DIGIT, `-._~`).
    private static func hasNeedlessEscape(_ segment: Substring) -> Bool {
        let bytes = Array(segment.utf8)
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                let c = Character(Unicode.Scalar(value))
                if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) { return true }
                i += 3
            } else {
                i += 1
            }
        }
        return false
    }
}

/// Removes dot segments before the router picks a route (see ``CanonicalPathMiddleware``).
struct CanonicalPathResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == PrivacyRequestContext {
    let base: Base

    func respond(to request: Request, context: PrivacyRequestContext) async throws -> Response {
        guard case .normalised(let path) = CanonicalPathMiddleware.check(request.uri.path) else {
            return try await base.respond(to: request, context: context)
        }
        var head = request.head
        head.path = path + (request.uri.query.map { "?" + $0 } ?? "")
        return try await base.respond(to: Request(head: head, body: request.body), context: context)
    }
}

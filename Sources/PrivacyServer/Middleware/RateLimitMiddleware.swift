import HTTPTypes
import Hummingbird
import Synchronization

/// A token bucket per truncated client IP on the public routes: `limit` requests a minute,
/// with bursts up to half a minute's worth (a page load, a retry, a form: a whole office behind one
/// NAT stays well under it). Answers 429 with `Retry-After`.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])
    private var capacity: Double { max(Double(perMinute) / 2, 10) }

    init(perMinute: Int) { self.perMinute = perMinute }

    /// `nil` when allowed, else the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        let rate = Double(perMinute) / 60
        let capacity = self.capacity
        return buckets.withLock { buckets in
            if buckets.count > 50_000 { buckets.removeAll(keepingCapacity: true) }  // bounded memory
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = PrivacyRequestContext
    let limiter: RateLimiter
    let clientAddress: ClientAddress

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        let key = clientAddress.prefix(request, context) ?? "unknown"
        if let wait = limiter.take(key) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(wait)
            throw APIError(status: .tooManyRequests, code: "rate_limited",
                           message: "Too many requests from your network; try again in \(wait) s.", headers: headers)
        }
        return try await next(request, context)
    }
}

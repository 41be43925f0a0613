import Hummingbird
import HummingbirdTesting
@testable import PrivacyServer
import Testing

@Suite("Rate limit per truncated IP")
struct RateLimitTests {
    @Test("on by default: after the burst the public routes answer 429 with Retry-After; /healthz is not limited")
    func limits() async throws {
        let fixture = try ServerFixture()
        // 4 a minute: the smallest burst (10), then one more every 15 s, so that a slow machine (a
        // full test run beside other builds) does not refill the bucket between these requests.
        try await fixture.application(rateLimit: 4).test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 {
                statuses.append(try await client.execute(uri: "/v1/config", method: .get) { $0.status })
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .ok })
            #expect(statuses.last == .tooManyRequests)
            try await client.execute(uri: "/v1/config", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                #expect(errorCode(response) == "rate_limited")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("the bucket refills with time")
    func refills() {
        let limiter = RateLimiter(perMinute: 30)
        let start = ContinuousClock.now
        for _ in 0..<15 { #expect(limiter.take("198.51.100.0", now: start) == nil) }
        #expect(limiter.take("198.51.100.0", now: start) != nil)
        #expect(limiter.take("203.0.113.0", now: start) == nil, "another network has its own bucket")
        #expect(limiter.take("198.51.100.0", now: start + .seconds(2)) == nil)
    }
}

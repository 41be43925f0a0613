import ArgumentParser
import Consent
import Foundation

/// `--since DATE`: a day in the policy's time zone (from its first instant) or an ISO-8601 instant.
struct SinceOption: ParsableArguments {
    @Option(help: "From this day (YYYY-MM-DD, in the policy's time zone) or instant (ISO-8601).")
    var since: String?

    func start(policy: Policy) throws -> Date? {
        guard let since else { return nil }
        if let instant = Timestamp.parse(since) { return instant }
        let parts = since.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, since.count == 10,
              let day = policy.calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            throw CommandFailure(.usage, "--since \(since) is neither a day (2024-12-31) nor an ISO-8601 instant")
        }
        return day
    }
}

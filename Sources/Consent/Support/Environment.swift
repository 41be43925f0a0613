import Foundation

/// The clock the contract describes: `PRIVACY_NOW=<ISO-8601 instant>` fixes it, otherwise the system clock.
public enum ClockSelection {
    public enum Failure: Error, CustomStringConvertible {
        case invalidInstant(String)
        public var description: String {
            switch self {
            case .invalidInstant(let text):
                "PRIVACY_NOW=\(text) is not an ISO-8601 instant; write e.g. 2025-01-01T00:00:00+01:00"
            }
        }
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any WallClock {
        guard let text = environment["PRIVACY_NOW"], !text.isEmpty else { return SystemClock() }
        guard let fixed = FixedClock.parse(text) else { throw Failure.invalidInstant(text) }
        return fixed
    }
}

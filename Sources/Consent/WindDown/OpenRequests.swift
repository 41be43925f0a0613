import Foundation
import GRDB

/// A request from a person (Art. 12–22) that is still open, as the stock-take reports it.
public struct OpenRequestSummary: Codable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var due: String
}

/// The seam to the request register (issue 13, not part of this build yet).
///
/// The wind-down reads open requests through this one function only. Until the register is
/// merged it returns none; the integrator replaces the body with a query of the register's
/// owner type (open requests with their deadlines). Nothing else in the wind-down changes.
enum OpenRequests {
    static func open(_ db: Database) throws -> [OpenRequestSummary] { [] }
}

/// The seam to hold expiry (`hold add --until`, issue 13): the instant a hold lapses, `nil` when
/// it has none. Today holds have no expiry; the integrator returns the hold's `until` here.
enum HoldExpiry {
    static func expiry(of hold: Hold) -> Date? { nil }
}

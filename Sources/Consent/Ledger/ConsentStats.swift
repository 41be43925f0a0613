import Foundation
import GRDB

/// Choices per day (in the policy's time zone) and method, with how many granted each purpose.
public struct ConsentStatsRow: Sendable, Codable, Equatable {
    public var day: String
    public var method: String
    public var choices: Int
    /// Purpose id → how many of these choices granted it.
    public var granted: [String: Int]
}

extension ConsentLedger {
    /// Streams the ledger from `since` (inclusive) and counts; constant memory per day and method.
    public func stats(since: Date?) async throws -> [ConsentStatsRow] {
        let from = since.map(Timestamp.millis) ?? Int64.min
        let calendar = policy.calendar
        return try await store.pool.read { db in
            var rows: [String: ConsentStatsRow] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT recorded_at, method, purposes FROM consent_ledger
                WHERE recorded_at >= ? AND method IS NOT NULL ORDER BY recorded_at
                """, arguments: [from])
            while let row = try cursor.next() {
                let at = Timestamp.date(millis: row["recorded_at"])
                let c = calendar.dateComponents([.year, .month, .day], from: at)
                let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
                let method: String = row["method"]
                let key = day + "|" + method
                var stat = rows[key] ?? ConsentStatsRow(day: day, method: method, choices: 0, granted: [:])
                stat.choices += 1
                for (purpose, granted) in LedgerEntry.decodeChoices(row["purposes"]) {
                    stat.granted[purpose, default: 0] += granted ? 1 : 0
                }
                rows[key] = stat
            }
            return rows.values.sorted { ($0.day, $0.method) < ($1.day, $1.method) }
        }
    }
}

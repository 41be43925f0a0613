import Foundation
import GRDB

/// A table of counts for the funder, with small counts already suppressed.
///
/// Every count from 1 to 4 is shown as `"< 5"` (primary suppression), so that nobody can be
/// singled out; where a row or column total is shown and exactly one cell of that row or column is
/// suppressed, the smallest other non-zero cell is withheld too and shown as `"•"` (secondary
/// suppression), so that the hidden count cannot be worked out as the total minus the rest.
/// Totals below 5 are suppressed like any cell. Only these strings are stored and printed, never
/// the raw counts.
public struct CountTable: Codable, Sendable, Equatable {
    public var columns: [String]
    public var rows: [Row]
    /// Column totals (last row); empty when the table has none.
    public var totals: [String]

    public struct Row: Codable, Sendable, Equatable {
        public var label: String
        public var cells: [String]
        public var total: String?
    }

    public static let threshold = 5
    public static let suppressed = "< 5"
    public static let withheld = "•"

    /// Builds the table from raw counts (`matrix[row][column]`), suppressing as described above.
    static func make(columns: [String], rows labels: [String], matrix: [[Int]], rowTotals: Bool, columnTotals: Bool) -> CountTable {
        var hidden = matrix.map { $0.map { $0 > 0 && $0 < threshold } }
        // Secondary suppression, repeated until stable: a line (row or column) with a visible total
        // must not have exactly one hidden cell.
        func fix(_ cells: [(Int, Int)]) -> Bool {
            let hiddenCells = cells.filter { hidden[$0.0][$0.1] }
            guard hiddenCells.count == 1 else { return false }
            let candidates = cells.filter { !hidden[$0.0][$0.1] && matrix[$0.0][$0.1] > 0 }
            guard let smallest = candidates.min(by: { matrix[$0.0][$0.1] < matrix[$1.0][$1.1] }) else { return false }
            hidden[smallest.0][smallest.1] = true
            return true
        }
        var changed = true
        while changed {
            changed = false
            if rowTotals {
                for r in matrix.indices where matrix[r].reduce(0, +) >= threshold {
                    if fix(matrix[r].indices.map { (r, $0) }) { changed = true }
                }
            }
            if columnTotals {
                for c in columns.indices where matrix.map({ $0[c] }).reduce(0, +) >= threshold {
                    if fix(matrix.indices.map { ($0, c) }) { changed = true }
                }
            }
        }
        func show(_ n: Int, _ hide: Bool) -> String {
            n > 0 && n < threshold ? suppressed : hide ? withheld : String(n)
        }
        let rows = matrix.indices.map { r in
            Row(label: labels[r], cells: matrix[r].indices.map { show(matrix[r][$0], hidden[r][$0]) },
                total: rowTotals ? show(matrix[r].reduce(0, +), false) : nil)
        }
        let totals = columnTotals ? columns.indices.map { c in show(matrix.map { $0[c] }.reduce(0, +), false) } : []
        return CountTable(columns: columns, rows: rows, totals: totals)
    }
}

/// The final statistics for the funder (step 2 of the wind-down): counts only, taken from the data
/// that still exists, before anything is deleted, with small counts suppressed.
public struct FunderStatistics: Codable, Sendable, Equatable {
    public var asOf: String
    /// Contact requests per month of receipt.
    public var contactRequestsByMonth: CountTable
    /// Contact requests per callback window the form offered (`morning`, `midday`, `afternoon`,
    /// `none`, `other`); `nil` when the secret key was not at hand (the windows are sealed).
    public var contactRequestsByCallbackWindow: CountTable?
    /// Consent choices per month (rows) and method (columns).
    public var consentsByMonthAndMethod: CountTable
    /// Withdrawals per month: entries that switched off something an earlier entry of the same
    /// consent had granted (whatever their method).
    public var withdrawalsByMonth: CountTable

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", contactRequestsByMonth = "contact_requests_by_month"
        case contactRequestsByCallbackWindow = "contact_requests_by_callback_window"
        case consentsByMonthAndMethod = "consents_by_month_and_method", withdrawalsByMonth = "withdrawals_by_month"
    }

    /// The callback windows of the contact form, in order.
    public static let callbackWindows = ["morning", "midday", "afternoon", "none", "other"]

    /// The window a callback time belongs to. Only the form's own options count; free text (the
    /// API takes any) is `other`, so that nothing a person wrote reaches the statistics.
    public static func callbackWindow(_ value: String?) -> String {
        guard let v = value?.trimmingCharacters(in: .whitespaces).lowercased(), !v.isEmpty else { return "none" }
        if v.hasPrefix("vormittags") || v.hasPrefix("morning") { return "morning" }
        if v.hasPrefix("mittags") || v.hasPrefix("midday") { return "midday" }
        if v.hasPrefix("nachmittags") || v.hasPrefix("afternoon") { return "afternoon" }
        return "other"
    }

    /// Computes the statistics inside the caller's read. `callbackTimes` holds the callback time
    /// of every contact request (opened with the secret key), or `nil` when it is not at hand.
    static func compute(_ db: Database, policy: Policy, now: Date, callbackTimes: [String?]?) throws -> FunderStatistics {
        let calendar = policy.calendar
        // Contact requests per month.
        var contactMonths: [String: Int] = [:]
        for millis in try Int64.fetchAll(db, sql: "SELECT received_at FROM contact_requests") {
            contactMonths[StockTake.month(millis, calendar), default: 0] += 1
        }
        let months = contactMonths.keys.sorted()
        let byMonth = CountTable.make(columns: ["contact_requests"], rows: months, matrix: months.map { [contactMonths[$0]!] },
                                      rowTotals: false, columnTotals: true)
        var byWindow: CountTable?
        if let callbackTimes {
            var counts: [String: Int] = [:]
            for t in callbackTimes { counts[callbackWindow(t), default: 0] += 1 }
            byWindow = CountTable.make(columns: ["contact_requests"], rows: callbackWindows,
                                       matrix: callbackWindows.map { [counts[$0] ?? 0] }, rowTotals: false, columnTotals: true)
        }
        // Consent choices per month and method, and withdrawals, streamed per consent in order.
        let required = Set(policy.consent.purposes.filter(\.required).map(\.id))
        var choices: [String: [String: Int]] = [:]
        var withdrawals: [String: Int] = [:]
        var previous: (id: String, grants: Set<String>)?
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT consent_id, recorded_at, method, purposes, services FROM consent_ledger
            WHERE method IS NOT NULL ORDER BY consent_id, seq
            """)
        while let row = try cursor.next() {
            let month = StockTake.month(row["recorded_at"], calendar)
            let method: String = row["method"]
            choices[month, default: [:]][method, default: 0] += 1
            var grants = Set(LedgerEntry.decodeChoices(row["purposes"]).filter { $0.value && !required.contains($0.key) }.map { "p:" + $0.key })
            grants.formUnion(LedgerEntry.decodeChoices(row["services"]).filter(\.value).map { "s:" + $0.key })
            let id: String? = row["consent_id"]
            let earlier = id != nil && previous?.id == id ? previous!.grants : []
            if ConsentMethod(rawValue: method) == .withdraw || !earlier.subtracting(grants).isEmpty {
                withdrawals[month, default: 0] += 1
            }
            previous = id.map { ($0, grants) }
        }
        let methods = ConsentMethod.allCases.map(\.rawValue)
        let consentMonths = choices.keys.sorted()
        let byMethod = CountTable.make(columns: methods, rows: consentMonths,
                                       matrix: consentMonths.map { m in methods.map { choices[m]?[$0] ?? 0 } },
                                       rowTotals: true, columnTotals: true)
        let withdrawalMonths = withdrawals.keys.sorted()
        let byWithdrawal = CountTable.make(columns: ["withdrawals"], rows: withdrawalMonths,
                                           matrix: withdrawalMonths.map { [withdrawals[$0]!] }, rowTotals: false, columnTotals: true)
        return FunderStatistics(asOf: Timestamp.format(now), contactRequestsByMonth: byMonth,
                                contactRequestsByCallbackWindow: byWindow, consentsByMonthAndMethod: byMethod,
                                withdrawalsByMonth: byWithdrawal)
    }
}

import Foundation
import Testing
@testable import Consent

@Suite("Wind-down: statistics for the funder suppress small counts")
struct FunderStatisticsTests {
    @Test("counts from 1 to 4 read \"< 5\"; a total never gives a lone hidden count away", arguments: [
        ([7, 3, 12], ["•", "< 5", "12"], "22"),
        ([7, 4, 2, 12], ["7", "< 5", "< 5", "12"], "25"),
        ([0, 5, 6], ["0", "5", "6"], "11"),
        ([1, 2], ["< 5", "< 5"], "< 5"),
        ([9, 0, 30], ["9", "0", "30"], "39"),
    ] as [([Int], [String], String)])
    func oneColumn(counts: [Int], shown: [String], total: String) {
        let table = CountTable.make(columns: ["n"], rows: counts.indices.map(String.init), matrix: counts.map { [$0] },
                                    rowTotals: false, columnTotals: true)
        #expect(table.rows.map { $0.cells[0] } == shown)
        #expect(table.totals == [total])
    }

    @Test("in a table with row and column totals every line with a hidden cell hides at least two")
    func twoWays() {
        let matrix = [[10, 3, 8], [6, 9, 7], [12, 11, 5]]
        let table = CountTable.make(columns: ["a", "b", "c"], rows: ["x", "y", "z"], matrix: matrix, rowTotals: true, columnTotals: true)
        let hidden = table.rows.map { $0.cells.map { $0 == CountTable.suppressed || $0 == CountTable.withheld } }
        for r in hidden.indices { #expect(hidden[r].filter { $0 }.count != 1, "row \(r)") }
        for c in 0..<3 { #expect(hidden.map { $0[c] }.filter { $0 }.count != 1, "column \(c)") }
        #expect(table.rows[0].cells[1] == "< 5")
        #expect(!table.rows.flatMap(\.cells).contains("3"))
    }

    @Test("callback windows are the form's options; anything a person wrote counts as other", arguments: [
        ("vormittags (08:00–12:00)", "morning"), ("mittags (12:00–14:00)", "midday"), ("nachmittags (14:00–18:00)", "afternoon"),
        ("", "none"), ("Di 15-18 Uhr, bitte Frau Müller", "other"),
    ])
    func windows(value: String, window: String) {
        #expect(FunderStatistics.callbackWindow(value) == window)
    }
}

import Foundation
import Testing
@testable import Consent

@Suite("Timestamps")
struct TimestampTests {
    /// Foundation's text for the whole second, with the milliseconds written from the integer:
    /// Foundation itself is given a `Double` and truncates it (1 735 689 599 123 ms prints as `.122`).
    static func expected(_ millis: Int64) -> String {
        let (seconds, ms) = millis.quotientAndRemainder(dividingBy: 1000)
        let whole = Timestamp.foundationFormat(Date(timeIntervalSince1970: Double(seconds)))
        #expect(whole.hasSuffix(".000Z"), "\(whole)")
        return String(whole.dropLast(5)) + "." + String(String(ms + 1000).dropFirst()) + "Z"
    }

    @Test("format(millis:) writes Foundation's ISO 8601 text, with the stored milliseconds exactly", arguments: [
        Int64(0), 1, 999, 1000, 86_399_999, 86_400_000,
        951_782_400_000, 951_868_799_999,              // 2000-02-29 (a leap day in a year divisible by 400)
        4_107_542_400_000,                              // 2100-03-01 (2100 has no leap day)
        1_735_689_599_123,                              // 2024-12-31T23:59:59.123Z (Foundation alone: .122)
        Timestamp.lastMillisOf9999 - 1,                 // 9999-12-31T23:59:59.999Z
    ])
    func fixedInstants(_ millis: Int64) {
        #expect(Timestamp.format(millis: millis) == Self.expected(millis))
    }

    @Test("format(millis:) agrees with Foundation on 20 000 random instants from 1970 to 9999")
    func randomInstants() {
        var generator = SeededRandom(seed: "timestamps")
        for _ in 0..<20_000 {
            let millis = Int64.random(in: 0..<Timestamp.lastMillisOf9999, using: &generator)
            let fast = Timestamp.format(millis: millis)
            #expect(fast == Self.expected(millis), "\(millis)")
            if fast != Self.expected(millis) { return }
        }
    }

    @Test("a date prints as its stored milliseconds do, fraction of a millisecond or not")
    func dateAndStoredValueAlike() {
        var generator = SeededRandom(seed: "dates")
        for _ in 0..<5_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))
            #expect(Timestamp.format(date) == Timestamp.format(millis: Timestamp.millis(date)))
        }
        #expect(Timestamp.format(Timestamp.date(millis: 1_735_689_599_123)) == "2024-12-31T23:59:59.123Z")
    }

    @Test("outside 1970–9999 Foundation writes it", arguments: [Int64(-1), -86_400_001, Timestamp.lastMillisOf9999, Int64.max])
    func outsideTheFastRange(_ millis: Int64) {
        #expect(Timestamp.format(millis: millis) == Timestamp.foundationFormat(Timestamp.date(millis: millis)))
        #expect(Timestamp.format(Timestamp.date(millis: millis)) == Timestamp.foundationFormat(Timestamp.date(millis: millis)))
    }
}

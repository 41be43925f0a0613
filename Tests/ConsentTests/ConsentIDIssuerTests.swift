import Foundation
import Testing
@testable import Consent
import Vault

@Suite("Consent id issuer")
struct ConsentIDIssuerTests {
    static func prefix(_ id: ConsentID) -> UInt64 { UInt64(id.rawValue.prefix(12), radix: 16) ?? .max }

    @Test("44 lower-case hex digits: a well-formed id, long enough to start a history, never starting with '-'")
    func shape() {
        let issuer = ConsentIDIssuer()
        for _ in 0..<200 {
            let id = issuer.next(now: Date(), random: SystemRandom())
            #expect(id.rawValue.utf8.count == 44)
            #expect(id.rawValue.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
            #expect(ConsentID(id.rawValue) == id)
            #expect(id.isLongEnoughForNewHistory)
        }
    }

    /// The clock walks forward, stands still (several ids in a millisecond, or `PRIVACY_NOW`) or
    /// goes back (an NTP step): every id sorts after the one before, and the prefix is the clock's
    /// millisecond whenever the clock is ahead of the last prefix.
    @Test("each id sorts after the one before, whatever the clock does", arguments: ["forward", "stopped", "back", "random"])
    func increasing(clock walk: String) {
        let issuer = ConsentIDIssuer()
        var generator = SeededRandom(seed: "issuer \(walk)")
        var now = Date(timeIntervalSince1970: 1_717_236_000.123)    // 2024-06-01T10:00:00.123Z
        var previous: ConsentID?
        var seen = Set<String>()
        for _ in 0..<2_000 {
            switch walk {
            case "forward": now = now.addingTimeInterval(Double.random(in: 0.001..<2, using: &generator))
            case "back": now = now.addingTimeInterval(-0.5)
            case "random": now = now.addingTimeInterval(Double.random(in: -1..<1, using: &generator))
            default: break
            }
            let id = issuer.next(now: now, random: generator)
            let millis = UInt64((now.timeIntervalSince1970 * 1000).rounded(.down))
            if let previous {
                #expect(previous.rawValue < id.rawValue, "\(previous) then \(id) (\(walk))")
                #expect(Self.prefix(id) == max(millis, Self.prefix(previous) + 1))
            } else {
                #expect(Self.prefix(id) == millis)
            }
            seen.insert(id.rawValue)
            previous = id
        }
        #expect(seen.count == 2_000)
    }

    @Test("the 128 bits after the prefix are the random source's")
    func randomPart() {
        let now = Date(timeIntervalSince1970: 1_717_236_000)
        let a = ConsentIDIssuer().next(now: now, random: SeededRandom(seed: "same"))
        let b = ConsentIDIssuer().next(now: now, random: SeededRandom(seed: "same"))
        let c = ConsentIDIssuer().next(now: now, random: SeededRandom(seed: "other"))
        #expect(a == b)
        #expect(a.rawValue.prefix(12) == c.rawValue.prefix(12))
        #expect(a.rawValue.dropFirst(12) != c.rawValue.dropFirst(12))
        #expect(a.rawValue.dropFirst(12) == Substring(Digest.hex(SeededRandom(seed: "same").bytes(16))))
        #expect(a.rawValue.prefix(12) == "018fd33de500")    // 1 717 236 000 000 ms
    }

    @Test("ids issued from many tasks at once are distinct and their prefixes too")
    func concurrent() async {
        let issuer = ConsentIDIssuer()
        let now = Date(timeIntervalSince1970: 1_717_236_000)        // a stopped clock: every prefix from the counter
        let ids = await withTaskGroup(of: [ConsentID].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).map { _ in issuer.next(now: now, random: SystemRandom()) } }
            }
            var all: [ConsentID] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(ids.map(\.rawValue)).count == 4_000)
        #expect(Set(ids.map(Self.prefix)).count == 4_000)
        #expect(ids.map(Self.prefix).max() == 1_717_236_000_000 + 3_999)
    }
}

import Testing
import Vault

@Suite("Wiping plaintexts held in ordinary memory")
struct WipeTests {
    @Test("every byte becomes zero, the length stays; an empty array is left alone", arguments: [0, 1, 31, 4_096])
    func zeroes(count: Int) {
        var bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
        bytes.wipe()
        #expect(bytes.count == count)
        #expect(bytes.allSatisfy { $0 == 0 })
    }

    @Test("a copy taken before is not touched (the array's own storage is wiped)")
    func copyOnWrite() {
        let kept: [UInt8] = Array(1...16)
        var plain = kept
        plain.wipe()
        #expect(kept == Array(1...16))
        #expect(plain == [UInt8](repeating: 0, count: 16))
    }
}

import Foundation
import Synchronization
import Vault

/// Issues the ids of new consent histories: 44 lower-case hex digits, a 48-bit prefix that increases
/// with every id this issuer hands out, then 128 random bits.
///
/// Why the prefix: ids issued one after another sort one after another, so the entry each new
/// history adds to the `consent_ledger_by_id` index lands on the index's last page instead of a
/// random one. With random ids that page was half of the writer's work per consent (one more 4 KiB
/// WAL frame to write, sync and checkpoint per consent; docs/benchmarks.md). The 128 random bits
/// alone make an id unguessable, as the contract asks; the prefix adds order, not secrecy.
///
/// The prefix is the issue time in milliseconds since 1970 from the injected clock, or one more
/// than the previous id's when the clock has not moved past it (several ids in one millisecond, a
/// clock set back, or a clock stopped by `PRIVACY_NOW`). So an id shows roughly when its history
/// began — as the history's own `recorded_at` does to whoever holds the id.
final class ConsentIDIssuer: Sendable {
    private let lastPrefix = Mutex<UInt64>(0)

    /// The prefix's width: 48 bits (12 hex digits) count milliseconds until the year 10889.
    static let prefixBits = 48

    func next(now: Date, random: any RandomSource) -> ConsentID {
        let millis = UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down)))
        let prefix = lastPrefix.withLock { last -> UInt64 in
            last = max(millis, last + 1) & ((1 << Self.prefixBits) - 1)
            return last
        }
        var bytes = [UInt8](repeating: 0, count: 22)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: prefix >> UInt64(40 - 8 * i)) }
        bytes.withUnsafeMutableBytes { random.fill(UnsafeMutableRawBufferPointer(rebasing: $0[6...])) }
        return ConsentID(unchecked: Digest.hex(bytes))
    }
}

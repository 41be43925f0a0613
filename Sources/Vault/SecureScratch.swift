import CSodium
import Synchronization

/// A few blocks of guarded memory (`sodium_malloc`) kept for reuse, for short-lived secrets such as
/// the data key of each sealed contact request.
///
/// Every `sodium_malloc`/`sodium_free` maps and unmaps pages and changes their protection, and each
/// unmapping interrupts every CPU to flush its TLB: per contact request that was about a sixth of the
/// server's CPU (issue 16's profile, docs/benchmarks.md). A block is lent to one caller at a time and
/// wiped (`sodium_memzero`) before it is kept again; at most `limit` blocks are kept, more are freed.
final class SecureScratch: Sendable {
    private let count: Int
    private let limit: Int
    private let kept = Mutex<[SecureBytes]>([])

    init(count: Int, limit: Int = 8) {
        self.count = count
        self.limit = limit
    }

    /// Lends a block filled by `fill` to `body`; the block is wiped afterwards, whatever happens.
    func withBlock<R>(fill: (UnsafeMutableRawBufferPointer) -> Void,
                      _ body: (SecureBytes) throws -> R) throws -> R {
        let block = try kept.withLock { $0.popLast() } ?? SecureBytes(count: count)
        defer {
            block.wipe()
            // Not kept when the pool is full: then freed (sodium_free wipes again) as `block` goes.
            kept.withLock { blocks in if blocks.count < limit { blocks.append(block) } }
        }
        block.overwrite(fill)
        return try body(block)
    }

    /// How many blocks are kept now (for tests).
    var keptCount: Int { kept.withLock { $0.count } }
}

import CSodium

/// Secret bytes in libsodium's guarded memory (`sodium_malloc`): guard pages around,
/// never swapped where the system allows, and wiped when freed.
///
/// Not `Codable`, not `CustomStringConvertible`: a secret never reaches a log or a file by accident.
public final class SecureBytes: @unchecked Sendable {
    // Immutable after init, except a ``SecureScratch`` block while exactly one caller holds it;
    // readers only ever see the finished bytes, so sharing is safe.
    private let pointer: UnsafeMutableRawPointer
    public let count: Int

    /// Allocates `count` zeroed bytes of guarded memory.
    public init(count: Int) throws(VaultError) {
        try Sodium.ensureReady()
        guard let p = sodium_malloc(max(count, 1)) else { throw .outOfSecureMemory }
        sodium_memzero(p, max(count, 1))
        self.pointer = p
        self.count = count
    }

    /// Allocates guarded memory and lets `fill` write the secret straight into it.
    public convenience init(count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        try self.init(count: count)
        try fill(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Copies `bytes` into guarded memory and wipes the source buffer.
    public convenience init(wiping bytes: inout [UInt8]) throws(VaultError) {
        try self.init(count: bytes.count)
        bytes.withUnsafeMutableBytes { src in
            if let base = src.baseAddress {
                pointer.copyMemory(from: base, byteCount: src.count)
                sodium_memzero(base, src.count)
            }
        }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison.
    public func isEqual(to other: SecureBytes) -> Bool {
        count == other.count && sodium_memcmp(pointer, other.pointer, count) == 0
    }

    /// Writes new bytes into a block that exactly one owner holds (``SecureScratch`` lends its
    /// blocks one caller at a time); never used on a shared key.
    func overwrite(_ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        fill(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Zeroes the bytes (``SecureScratch`` wipes a block before it keeps it again).
    func wipe() {
        sodium_memzero(pointer, max(count, 1))
    }

    deinit {
        sodium_free(pointer)  // wipes before freeing
    }
}

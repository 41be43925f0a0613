import CSodium

extension Array where Element == UInt8 {
    /// Overwrites every byte with zero through `sodium_memzero`, a store the optimiser may not drop
    /// as dead (a plain zero-fill of memory about to be freed it may): for plaintexts of personal
    /// data and secrets that had to live in ordinary memory, once they have been used.
    public mutating func wipe() {
        withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            sodium_memzero(base, buffer.count)
        }
    }
}

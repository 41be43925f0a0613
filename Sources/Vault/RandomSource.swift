import CSodium

/// Where random bytes come from. Injected so that tests can fix ids and keys.
public protocol RandomSource: Sendable {
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension RandomSource {
    /// `count` random bytes (for ids and nonces, never for secrets: use ``SecureBytes`` for those).
    public func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }
}

/// The operating system's CSPRNG, through libsodium's `randombytes_buf`.
public struct SystemRandom: RandomSource {
    public init() { _ = Sodium.ready }
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        randombytes_buf(base, buffer.count)
    }
}

/// A small deterministic random generator (SplitMix64), so a test that draws mutations or
/// samples names a seed that reproduces its failure.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// The generator that `seed` starts.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

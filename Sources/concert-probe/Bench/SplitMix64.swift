/// A small, fast pseudo-random generator (SplitMix64) for the benchmark's own choices: the system
/// generator asks the kernel on every draw, which would cost the client more than a call.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator seeded from the system generator.
    init() {
        state = UInt64.random(in: 0...UInt64.max)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

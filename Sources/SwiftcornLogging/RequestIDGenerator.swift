import Synchronization

/// Request ids unique across the workers of a server and over time: a random 32-bit prefix
/// drawn per worker process and a counter, as 16 hex digits.
public final class RequestIDGenerator: Sendable {
    private let prefix: UInt32
    private let counter = Atomic<UInt32>(0)

    /// Creates a generator with a fresh random prefix.
    public init() {
        self.prefix = UInt32.random(in: 0...UInt32.max)
    }

    /// The next id.
    public func next() -> String {
        let count = self.counter.add(1, ordering: .relaxed).newValue
        let value = UInt64(self.prefix) << 32 | UInt64(count)
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = hex.utf8Start[Int(value >> UInt64(60 - index * 4) & 0xF)]
            }
            return 16
        }
    }
}

/// Replays bytes already read (to sniff the format) before the rest of a source.
final class PrefixedSource: ByteSource {
    /// The bytes to return first.
    private var prefix: [UInt8]
    /// How many prefix bytes were returned.
    private var offset = 0
    /// The rest of the stream.
    private let rest: (any ByteSource)?

    /// Returns `prefix`, then `rest`.
    init(prefix: [UInt8], rest: (any ByteSource)?) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if self.offset < self.prefix.count {
            let count = min(buffer.count, self.prefix.count - self.offset)
            self.prefix.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + self.offset, byteCount: count)
            }
            self.offset += count
            return count
        }
        return try self.rest?.read(into: buffer) ?? 0
    }
}

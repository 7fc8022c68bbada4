import CZlib

/// Inflates a gzip stream (including concatenated members, as `cat a.gz b.gz` produces).
final class GzipSource: ByteSource {
    /// The compressed input.
    private let input: any ByteSource
    /// The name for error messages.
    private let name: String
    /// zlib's state.
    private var stream = z_stream()
    /// Compressed bytes read but not yet inflated.
    private let inputBuffer: UnsafeMutableRawBufferPointer
    /// Whether the compressed input has ended.
    private var inputEnded = false
    /// Whether the last member finished cleanly.
    private var memberEnded = false

    /// Inflates `input`.
    init(input: any ByteSource, name: String) throws(InputError) {
        self.input = input
        self.name = name
        self.inputBuffer = .allocate(byteCount: 1 << 18, alignment: 16)
        guard czlib_inflate_init_auto(&self.stream) == Z_OK else {
            self.inputBuffer.deallocate()
            throw InputError(.corruptCompression, source: name, detail: "zlib initialisation failed")
        }
    }

    deinit {
        inflateEnd(&self.stream)
        self.inputBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        self.stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        self.stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while self.stream.avail_out > 0 {
            if self.stream.avail_in == 0 {
                if self.inputEnded {
                    break
                }
                let count = try self.input.read(into: self.inputBuffer)
                if count == 0 {
                    self.inputEnded = true
                    break
                }
                self.stream.next_in = self.inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                self.stream.avail_in = UInt32(count)
            }
            if self.memberEnded {
                // Another gzip member follows the one that ended.
                inflateReset(&self.stream)
                self.memberEnded = false
            }
            let result = inflate(&self.stream, Z_NO_FLUSH)
            switch result {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                self.memberEnded = true
            default:
                let message = self.stream.msg.map { String(cString: $0) } ?? "error \(result)"
                throw InputError(.corruptCompression, source: self.name, detail: message)
            }
        }
        let produced = buffer.count - Int(self.stream.avail_out)
        if produced == 0, self.inputEnded, !self.memberEnded {
            throw InputError(.corruptCompression, source: self.name, detail: "unexpected end of compressed data")
        }
        return produced
    }
}

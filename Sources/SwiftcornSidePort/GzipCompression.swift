import CZlib

/// gzip for scrape responses: level 1, the fastest, already shrinks the repetitive exposition
/// about thirtyfold, and the side port's CPU time is what delays a scrape on a busy machine.
enum GzipCompression {
    /// `bytes` as a gzip member, written into `output` (its memory reused); false if zlib fails.
    static func compress(_ bytes: [UInt8], into output: inout [UInt8]) -> Bool {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, 1) == Z_OK else { return false }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 32
        if output.count < bound {
            output.append(contentsOf: repeatElement(0, count: bound - output.count))
        }
        let result = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { return false }
        output.removeSubrange(Int(stream.total_out)...)
        return true
    }
}

/// Opens an ``InputSource`` as a byte stream, inflating it when its first bytes are gzip's magic.
enum InputOpener {
    /// How much is read up front to sniff the format.
    static let sniffBytes = 1 << 16

    /// The decompressed byte stream of `source`.
    static func open(_ source: InputSource) throws(InputError) -> any ByteSource {
        let raw: any ByteSource
        switch source {
        case .file(let path): raw = try FileDescriptorSource(path: path)
        case .standardInput: raw = FileDescriptorSource(descriptor: 0, name: "-")
        case .bytes(let bytes, _): raw = PrefixedSource(prefix: bytes, rest: nil)
        case .journal(let query): return try JournalSource(query)
        }
        // Read a little first: gzip is recognised by content, so `access.log.1` that happens to be
        // compressed, or `zcat`-less pipes into stdin, both work.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.sniffBytes, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < 2 {
            let count = try raw.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 {
                break
            }
            filled += count
        }
        let prefix = Array(buffer[..<filled])
        let replay = PrefixedSource(prefix: prefix, rest: raw)
        if prefix.count >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B {
            return try GzipSource(input: replay, name: source.description)
        }
        return replay
    }
}

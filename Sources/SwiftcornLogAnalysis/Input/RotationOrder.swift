/// Orders a rotated set (`access.log`, `access.log.1`, `access.log.2.gz`…) oldest first by the
/// time of each file's first record, since rotation schemes disagree on what the numbers mean.
package enum RotationOrder {
    /// Bytes examined per file for its first timestamp.
    static let probeBytes = 1 << 16

    /// `sources` sorted by first record time; stdin stays where it was relative to files without
    /// a readable time, which keep their given order after the dated ones.
    package static func sorted(_ sources: [InputSource]) -> [InputSource] {
        guard sources.count > 1 else { return sources }
        let keyed = sources.enumerated().map { (offset: $0.offset, source: $0.element, time: Self.firstTimestamp($0.element)) }
        return keyed.sorted { a, b in
            switch (a.time, b.time) {
            case (let x?, let y?): return x != y ? x < y : a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.source)
    }

    /// The timestamp of the first parseable record in the first bytes of `source`; never stdin.
    package static func firstTimestamp(_ source: InputSource) -> Int64? {
        switch source {
        case .standardInput, .journal: return nil
        case .file, .bytes: break
        }
        guard let stream = try? InputOpener.open(source) else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.probeBytes, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < Self.probeBytes, let count = try? stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])), count > 0 {
            filled += count
        }
        let bytes = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: filled)
        let parser = LineParser(extraKeys: [])
        var record = ParsedRecord(extraKeys: 0)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A {
                end += 1
            }
            if end == bytes.count, filled == Self.probeBytes {
                return nil  // a cut line; the file's first records are not in the probe
            }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if parser.parse(line, into: &record) == nil, record.has(.known(.ts)) {
                return record.timestamp
            }
            start = end + 1
        }
        return nil
    }
}

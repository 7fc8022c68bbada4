import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines come from.
package enum InputSource: Sendable, Hashable, CustomStringConvertible {
    /// A file, plain or gzip-compressed (detected by its magic bytes, not its name).
    case file(String)
    /// Standard input, plain or gzip-compressed.
    case standardInput
    /// Bytes in memory, named for messages; used by tests and embedding code.
    case bytes([UInt8], name: String)
    /// Entries of the systemd journal.
    case journal(JournalQuery)

    /// The name used in messages (`-` for stdin).
    package var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        case .bytes(_, let name): name
        case .journal(let query): query.directory.map { "journal:\($0)" } ?? "journal"
        }
    }

    /// `-` is stdin, anything else a file path.
    package init(argument: String) {
        self = argument == "-" ? .standardInput : .file(argument)
    }
}

/// A stream of bytes read in large blocks.
protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Reads a file descriptor, closing it when done unless it is stdin.
final class FileDescriptorSource: ByteSource {
    /// The descriptor.
    private let descriptor: Int32
    /// The name for error messages.
    private let name: String

    /// Wraps an open descriptor.
    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// Opens `path` for reading.
    convenience init(path: String) throws(InputError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.cannotOpen, source: path, detail: String(cString: strerror(errno)))
        }
        self.init(descriptor: descriptor, name: path)
    }

    deinit {
        if self.descriptor > 2 {
            close(self.descriptor)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            #if canImport(Glibc)
            let count = Glibc.read(self.descriptor, buffer.baseAddress, buffer.count)
            #else
            let count = Darwin.read(self.descriptor, buffer.baseAddress, buffer.count)
            #endif
            if count >= 0 {
                return count
            }
            if errno == EINTR {
                continue
            }
            throw InputError(.readFailed, source: self.name, detail: String(cString: strerror(errno)))
        }
    }
}

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

/// A source that cannot be opened or read to the end.
package struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case cannotOpen
            case readFailed
            case corruptCompression
        }
        private let base: Base

        /// `open` failed (missing file, permissions).
        package static let cannotOpen = Code(base: .cannotOpen)
        /// `read` failed part-way.
        package static let readFailed = Code(base: .readFailed)
        /// The gzip stream is corrupt or cut short.
        package static let corruptCompression = Code(base: .corruptCompression)

        /// A short human-readable form, for logs and messages.
        package var description: String {
            switch self.base {
            case .cannotOpen: "cannot open"
            case .readFailed: "read failed"
            case .corruptCompression: "corrupt gzip data"
            }
        }
    }

    /// The kind of failure.
    package let code: Code
    /// The source's name.
    package let source: String
    /// The system's or zlib's explanation.
    package let detail: String

    /// Creates an error for `source`.
    package init(_ code: Code, source: String, detail: String) {
        self.code = code
        self.source = source
        self.detail = detail
    }

    /// A short human-readable form, for logs and messages.
    package var description: String { "\(self.code) \(self.source): \(self.detail)" }
}

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

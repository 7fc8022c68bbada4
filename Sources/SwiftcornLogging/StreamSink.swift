import SwiftcornConfig

#if canImport(Glibc)
import Glibc
#endif

/// Writes lines to a descriptor: standard output or error, or an appending file.
final class StreamSink: LogSink {
    private let format: LogFormat
    private let path: String?
    private var descriptor: Int32
    /// Writes must stay under PIPE_BUF to land whole: pipes and sockets shared by processes.
    private var needsAtomicChunks: Bool
    private var batch: [UInt8] = []

    /// A sink for standard output (1) or standard error (2).
    init(standardDescriptor: Int32, format: LogFormat) {
        self.format = format
        self.path = nil
        self.descriptor = standardDescriptor
        self.needsAtomicChunks = Self.needsAtomicChunks(standardDescriptor)
    }

    /// A sink appending to the file at `path`, created if missing.
    init(path: String, format: LogFormat) {
        self.format = format
        self.path = path
        self.descriptor = Self.open(path)
        self.needsAtomicChunks = Self.needsAtomicChunks(self.descriptor)
    }

    func write(_ entries: [LogEntry]) {
        guard self.descriptor >= 0 else { return }
        // An appending write to a regular file lands whole. On a pipe, only writes up to
        // PIPE_BUF do, and every worker shares the master's stdout: keep batches below it.
        let limit = self.needsAtomicChunks ? Int(PIPE_BUF) : Int.max
        self.batch.removeAll(keepingCapacity: true)
        if !self.needsAtomicChunks && self.format == .json {
            // A file takes a batch of any size whole: JSON goes straight into it, no line copies.
            for entry in entries {
                entry.appendJSON(to: &self.batch, line: true)
            }
            Self.writeAll(self.batch, to: self.descriptor)
            return
        }
        for entry in entries {
            let line = self.format.line(for: entry)
            if !self.batch.isEmpty && self.batch.count + line.count > limit {
                Self.writeAll(self.batch, to: self.descriptor)
                self.batch.removeAll(keepingCapacity: true)
            }
            self.batch.append(contentsOf: line)
        }
        Self.writeAll(self.batch, to: self.descriptor)
    }

    func reopen() {
        guard let path = self.path else { return }
        let fresh = Self.open(path)
        guard fresh >= 0 else { return }
        if self.descriptor >= 0 {
            Glibc.close(self.descriptor)
        }
        self.descriptor = fresh
        self.needsAtomicChunks = Self.needsAtomicChunks(fresh)
    }

    func close() {
        // Standard streams belong to the process, not to the sink.
        guard self.path != nil, self.descriptor >= 0 else { return }
        Glibc.close(self.descriptor)
        self.descriptor = -1
    }

    private static func open(_ path: String) -> Int32 {
        // O_APPEND makes each write land whole at the end, even with every worker writing the file.
        Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    }

    private static func needsAtomicChunks(_ descriptor: Int32) -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return true }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += count
            }
        }
    }
}

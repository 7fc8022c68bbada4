import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The pipe workers write ``ControlMessage``s to; the master reads it in its poll loop.
struct ControlPipe: ~Copyable {
    /// The master's non-blocking read end.
    let readDescriptor: Int32
    /// The end every worker inherits (close-on-exec in the master: only dup'ed into workers).
    let writeDescriptor: Int32
    private var partial: [UInt8] = []

    init() throws(SystemCallError) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw SystemCallError("pipe") }
        self.readDescriptor = descriptors[0]
        self.writeDescriptor = descriptors[1]
        // Workers get the write end through posix_spawn's dup2 only; nothing else inherits either.
        _ = fcntl(self.readDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(self.writeDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(self.readDescriptor, F_SETFL, fcntl(self.readDescriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Every complete message waiting in the pipe.
    mutating func readMessages() -> [ControlMessage] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(self.readDescriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            self.partial += buffer[..<count]
        }
        guard let lastNewline = self.partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = String(decoding: self.partial[...lastNewline], as: UTF8.self)
        self.partial.removeFirst(lastNewline + 1)
        return complete.split(separator: "\n").compactMap(ControlMessage.init(line:))
    }

    deinit {
        close(self.readDescriptor)
        close(self.writeDescriptor)
    }
}

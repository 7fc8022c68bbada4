#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

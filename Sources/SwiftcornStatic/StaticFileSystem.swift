import HTTPTypes
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking file-system calls the static app needs besides opening files.
///
/// Each blocks the calling thread: at request time they run on NIO's blocking thread pool, never
/// on an event loop.
enum StaticFileSystem {
    /// The canonical absolute path of `path`: symbolic links, `.` and `..` resolved.
    ///
    /// A result that is not valid UTF-8 fails with `EILSEQ`: repairing it into a `String` would
    /// name a different file than the one checked, so it cannot be used safely.
    static func realPath(_ path: String) throws(StaticFileSystemError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw StaticFileSystemError(operation: "realpath", path: path, code: errno)
        }
        defer { free(resolved) }
        guard let string = String(validatingCString: resolved) else {
            throw StaticFileSystemError(operation: "realpath", path: path, code: EILSEQ)
        }
        return string
    }

    /// Succeeds when `path` is a directory this process may list and enter.
    static func checkReadableDirectory(_ path: String) throws(StaticFileSystemError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StaticFileSystemError(operation: "stat", path: path, code: errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw StaticFileSystemError(operation: "stat", path: path, code: ENOTDIR)
        }
        guard access(path, R_OK | X_OK) == 0 else {
            throw StaticFileSystemError(operation: "access", path: path, code: errno)
        }
    }
}

/// A failed system call on a path under the static root.
struct StaticFileSystemError: Error, Sendable, CustomStringConvertible {
    /// The system call, such as `realpath` or `open`.
    let operation: String
    /// The path it was given.
    let path: String
    /// The `errno` it left.
    let code: CInt

    /// Creates an error for `operation` on `path` that failed with `code`.
    init(operation: String, path: String, code: CInt) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The status answering this error.
    ///
    /// A missing file or a non-directory in the middle of the path is 404. So are a name too long,
    /// a symlink loop and a resolved name that is not UTF-8 (EILSEQ, from
    /// ``StaticFileSystem/realPath(_:)``): nothing servable can be found there. Permission
    /// problems are 403 so an operator sees them as such in the access log; anything else (EIO,
    /// EMFILE…) is the server's fault, 500.
    var status: HTTPResponse.Status {
        switch self.code {
        case ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EILSEQ: .notFound
        case EACCES, EPERM: .forbidden
        default: .internalServerError
        }
    }

    /// The system's message for ``code``.
    var reason: String {
        String(cString: strerror(self.code))
    }

    var description: String {
        "\(self.operation)(\(self.path)): \(self.reason) (errno \(self.code))"
    }
}

/// A file opened for reading, with the metadata read from the same descriptor.
///
/// Metadata comes from `fstat` on the open descriptor rather than `stat` on the path, so the size,
/// the modification time (and thus the `ETag`) and the bytes sent all describe the same file even
/// if the path is replaced meanwhile.
///
/// The handle is closed by whoever finishes with it (``closeIfOpen()``); `deinit` closes it too,
/// because a response body may be dropped without ever being written (client gone, HEAD
/// handling), and a leaked descriptor per such request would exhaust the worker's limit.
final class OpenedFile: Sendable {
    /// What kind of file the descriptor refers to.
    enum Kind: Sendable {
        /// A regular file: the only kind served.
        case regularFile
        /// A directory: served through its `index.html`.
        case directory
        /// Anything else (FIFO, socket, device): never served.
        case other
    }

    /// The open descriptor.
    let handle: NIOFileHandle
    /// The path it was opened at, with symbolic links resolved.
    let path: String
    /// The kind of file.
    let kind: Kind
    /// The size in bytes.
    let size: Int
    /// The modification time, whole seconds since 1970.
    let modificationSeconds: Int64
    /// The nanoseconds part of the modification time.
    let modificationNanoseconds: Int64

    /// Creates an opened file owning `handle`.
    private init(handle: NIOFileHandle, path: String, kind: Kind, size: Int, modificationSeconds: Int64, modificationNanoseconds: Int64) {
        self.handle = handle
        self.path = path
        self.kind = kind
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
    }

    deinit {
        self.closeIfOpen()
    }

    /// Closes the descriptor unless it is closed already; safe to call more than once.
    func closeIfOpen() {
        // `close()` throws EBADF for a handle already closed; nothing else can go wrong that a
        // caller could act on, and a failed close of a read-only descriptor loses no data.
        if self.handle.isOpen {
            try? self.handle.close()
        }
    }

    /// Opens `path` read-only and reads its metadata. Blocks: call it on a thread pool.
    static func openForReading(path: String) throws(StaticFileSystemError) -> OpenedFile {
        // O_NONBLOCK so that opening a FIFO someone left in the root returns at once instead of
        // parking a pool thread until a writer appears; it is cleared below for regular files.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw StaticFileSystemError(operation: "open", path: path, code: errno)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            _ = close(descriptor)
            throw StaticFileSystemError(operation: "fstat", path: path, code: code)
        }
        let kind = Self.kind(of: info.st_mode)
        if kind == .regularFile {
            // NonBlockingFileIO refuses descriptors in non-blocking mode (it reports EAGAIN as an
            // error); regular files never block on the flag anyway, so drop it.
            let flags = fcntl(descriptor, F_GETFL)
            if flags < 0 || fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) < 0 {
                let code = errno
                _ = close(descriptor)
                throw StaticFileSystemError(operation: "fcntl", path: path, code: code)
            }
        }
        #if canImport(Darwin)
        let modification = info.st_mtimespec
        #else
        let modification = info.st_mtim
        #endif
        return OpenedFile(
            handle: NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor),
            path: path,
            kind: kind,
            size: Int(info.st_size),
            modificationSeconds: Int64(modification.tv_sec),
            modificationNanoseconds: Int64(modification.tv_nsec)
        )
    }

    /// The kind of file `mode` (an `st_mode`) describes.
    private static func kind(of mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        default: .other
        }
    }
}

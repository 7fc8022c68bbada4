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

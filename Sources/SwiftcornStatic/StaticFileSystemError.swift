import HTTPTypes

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

#if canImport(Glibc)
import Glibc
#endif

/// Reads small text files without Foundation.
enum FileContents {
    /// The UTF-8 text of the file at `path`.
    static func read(_ path: String) throws(FileReadError) -> String {
        guard let file = fopen(path, "rb") else { throw FileReadError(errno: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes += chunk[..<count] }
            if count < chunk.count {
                if ferror(file) != 0 { throw FileReadError(errno: errno) }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A file that could not be read, with the system's reason.
struct FileReadError: Error, CustomStringConvertible {
    let errno: Int32

    var description: String { String(cString: strerror(self.errno)) }
}

#if canImport(Glibc)
import Glibc
#endif

/// The master's pidfile (`--pid FILE`): written once the sockets are bound, removed on exit
/// if it still names this process.
struct PidFile {
    let path: String

    /// Writes this process's pid; false when the file cannot be written.
    func write() -> Bool {
        let temporary = "\(self.path).\(getpid()).tmp"
        guard let file = fopen(temporary, "w") else { return false }
        fputs("\(getpid())\n", file)
        fclose(file)
        // A rename is atomic: a reader never sees an empty or half-written pidfile.
        return rename(temporary, self.path) == 0
    }

    /// Removes the file, unless another master (a binary upgrade) has taken it over.
    func remove() {
        guard let file = fopen(self.path, "r") else { return }
        var buffer = [CChar](repeating: 0, count: 32)
        let read = fgets(&buffer, Int32(buffer.count), file) != nil
        fclose(file)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if read, pid_t(text.split(separator: "\n").first ?? "") == getpid() {
            unlink(self.path)
        }
    }
}

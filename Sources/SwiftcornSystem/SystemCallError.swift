#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, with its name and `errno`.
package struct SystemCallError: Error, Sendable, CustomStringConvertible {
    /// The call that failed, e.g. `bind`.
    package let call: String
    /// The `errno` it set.
    package let errno: Int32
    /// What the call was about, e.g. the address being bound.
    package let subject: String?

    /// Captures the current `errno` for `call`.
    package init(_ call: String, subject: String? = nil, errno: Int32 = Glibc.errno) {
        self.call = call
        self.errno = errno
        self.subject = subject
    }

    /// A short human-readable form, for logs and messages.
    package var description: String {
        let reason = String(cString: strerror(self.errno))
        if let subject = self.subject {
            return "\(self.call)(\(subject)) failed: \(reason) (errno \(self.errno))"
        }
        return "\(self.call) failed: \(reason) (errno \(self.errno))"
    }
}

/// Unbuffered writes to the standard streams, safe from any thread.
package enum FileOutput {
    /// Writes `text` to standard error.
    package static func standardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

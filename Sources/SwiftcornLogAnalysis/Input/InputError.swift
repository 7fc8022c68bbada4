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

/// A source that cannot be opened or read to the end.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case cannotOpen
            case readFailed
            case corruptCompression
        }
        private let base: Base

        /// `open` failed (missing file, permissions).
        public static let cannotOpen = Code(base: .cannotOpen)
        /// `read` failed part-way.
        public static let readFailed = Code(base: .readFailed)
        /// The gzip stream is corrupt or cut short.
        public static let corruptCompression = Code(base: .corruptCompression)

        /// A short human-readable form, for logs and messages.
        public var description: String {
            switch self.base {
            case .cannotOpen: "cannot open"
            case .readFailed: "read failed"
            case .corruptCompression: "corrupt gzip data"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// The source's name.
    public let source: String
    /// The system's or zlib's explanation.
    public let detail: String

    /// Creates an error for `source`.
    public init(_ code: Code, source: String, detail: String) {
        self.code = code
        self.source = source
        self.detail = detail
    }

    /// A short human-readable form, for logs and messages.
    public var description: String { "\(self.code) \(self.source): \(self.detail)" }
}

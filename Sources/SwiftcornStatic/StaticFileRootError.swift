/// The root given to ``StaticFileResponder`` cannot be served.
public struct StaticFileRootError: Error, Sendable, CustomStringConvertible {
    /// The root as given.
    public let root: String
    /// Why it cannot be served, such as `No such file or directory`.
    public let reason: String

    /// Creates an error for `root`.
    public init(root: String, reason: String) {
        self.root = root
        self.reason = reason
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        "static root '\(self.root)' is not a readable directory: \(self.reason)"
    }
}

/// Where a value sits inside a line and what JSON type it had; strings exclude their quotes.
struct ValueSpan: Sendable {
    /// The JSON type of a value.
    enum ValueType: UInt8, Sendable {
        case absent
        case string
        case number
        case boolean
        case null
        case container
    }

    /// Offset of the first byte.
    var start: Int32
    /// Offset one past the last byte.
    var end: Int32
    /// The value's type; `.absent` when the key was missing.
    var type: ValueType
    /// Whether a string contains backslash escapes, so reading it needs decoding.
    var escaped: Bool

    /// A missing value.
    static let absent = ValueSpan(start: 0, end: 0, type: .absent, escaped: false)

    /// Number of bytes covered.
    var count: Int { Int(self.end - self.start) }
}

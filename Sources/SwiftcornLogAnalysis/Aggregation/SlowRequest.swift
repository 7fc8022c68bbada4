/// One slow request kept for `slow`.
public struct SlowRequest: Sendable {
    /// When it finished, µs since the epoch.
    public var timestamp: Int64
    /// Duration in µs.
    public var durationMicroseconds: Int64
    /// Response status.
    public var status: Int
    /// Request method.
    public var method: String
    /// Request path.
    public var path: String
    /// Request id, or empty.
    public var requestID: String
}

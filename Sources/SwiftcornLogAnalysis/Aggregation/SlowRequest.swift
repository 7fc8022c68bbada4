/// One slow request kept for `slow`.
package struct SlowRequest: Sendable {
    /// When it finished, µs since the epoch.
    package var timestamp: Int64
    /// Duration in µs.
    package var durationMicroseconds: Int64
    /// Response status.
    package var status: Int
    /// Request method.
    package var method: String
    /// Request path.
    package var path: String
    /// Request id, or empty.
    package var requestID: String
}

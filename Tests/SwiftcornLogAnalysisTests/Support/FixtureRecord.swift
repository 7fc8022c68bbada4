/// The truth behind one generated access record.
struct FixtureRecord {
    /// Microseconds since the epoch.
    var timestamp: Int64
    /// Method.
    var method: String
    /// Path as decoded.
    var path: String
    /// Route template, if any.
    var route: String?
    /// Status.
    var status: Int
    /// Duration in µs.
    var duration: Int64
    /// Response bytes.
    var bytesOut: Int
    /// Client address.
    var client: String
    /// User agent as decoded.
    var userAgent: String
    /// Worker index.
    var worker: Int
}

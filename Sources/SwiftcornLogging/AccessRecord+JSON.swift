extension AccessRecord {
    /// The schema's keys: a hook's field of the same name is written as `meta_<key>`, as
    /// metadata of event records is, so a line never holds a key twice.
    static let schemaKeys: Set<String> = [
        "ts", "level", "event", "method", "path", "query", "route", "status", "duration_ms", "bytes_in", "bytes_out",
        "remote_addr", "user_agent", "referer", "request_id", "http_version", "host", "worker", "pid",
    ]

    /// The record as one JSON line, keys in schema order.
    public func jsonLine() -> [UInt8] {
        var writer = JSONLineWriter(capacity: 384 + self.path.utf8.count + self.userAgent.utf8.count)
        self.writeFields(into: &writer)
        return writer.finish()
    }

    /// Writes the record's fields, keys in schema order, into an object `writer` has started.
    func writeFields(into writer: inout JSONLineWriter) {
        writer.field("ts", timestampMicroseconds: self.timestampMicroseconds)
        writer.field("level", "info")
        writer.field("event", "access")
        writer.field("method", self.method)
        writer.field("path", self.path)
        writer.field("query", self.query)
        if let route = self.route {
            writer.field("route", route)
        }
        writer.field("status", self.status)
        writer.field("duration_ms", millisecondsFromMicroseconds: self.durationMicroseconds)
        writer.field("bytes_in", self.bytesIn)
        writer.field("bytes_out", self.bytesOut)
        writer.field("remote_addr", self.remoteAddress)
        writer.field("user_agent", self.userAgent)
        writer.field("referer", self.referer)
        writer.field("request_id", self.requestID)
        writer.field("http_version", self.httpVersion)
        writer.field("host", self.host)
        writer.field("worker", self.worker)
        writer.field("pid", Int(self.pid))
        for extra in self.extraFields {
            writer.field(dynamicKey: Self.schemaKeys.contains(extra.key) ? "meta_" + extra.key : extra.key, extra.value)
        }
    }
}

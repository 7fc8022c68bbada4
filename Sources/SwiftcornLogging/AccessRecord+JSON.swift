import SwiftcornFormat

extension AccessRecord {
    /// The schema's keys: a hook's field of the same name is written as `meta_<key>`, as
    /// metadata of event records is, so a line never holds a key twice.
    static let schemaKeys = Set(RecordField.accessKeys.map(\.key))

    /// The record as one JSON line, keys in schema order.
    public func jsonLine() -> [UInt8] {
        var writer = JSONLineWriter(capacity: 384 + self.path.utf8.count + self.userAgent.utf8.count)
        self.writeFields(into: &writer)
        return writer.finish()
    }

    /// Writes the record's fields, keys in the order of ``RecordField/accessKeys``, into an object
    /// `writer` has started.
    func writeFields(into writer: inout JSONLineWriter) {
        writer.field(.ts, timestampMicroseconds: self.timestampMicroseconds)
        writer.field(.level, RecordField.accessLevel)
        writer.field(.event, RecordField.accessEvent)
        writer.field(.method, self.method)
        writer.field(.path, self.path)
        writer.field(.query, self.query)
        if let route = self.route {
            writer.field(.route, route)
        }
        writer.field(.status, self.status)
        writer.field(.durationMilliseconds, millisecondsFromMicroseconds: self.durationMicroseconds)
        writer.field(.bytesIn, self.bytesIn)
        writer.field(.bytesOut, self.bytesOut)
        writer.field(.remoteAddress, self.remoteAddress)
        writer.field(.userAgent, self.userAgent)
        writer.field(.referer, self.referer)
        writer.field(.requestID, self.requestID)
        writer.field(.httpVersion, self.httpVersion)
        writer.field(.host, self.host)
        writer.field(.worker, self.worker)
        writer.field(.pid, Int(self.pid))
        for extra in self.extraFields {
            writer.field(dynamicKey: Self.schemaKeys.contains(extra.key) ? "meta_" + extra.key : extra.key, extra.value)
        }
    }
}

import SwiftcornFormat
import SwiftcornTime
import Synchronization

/// One served request, as the access log records it (schema v1 of DESIGN.md).
package struct AccessRecord: Sendable, Equatable {
    /// When the response finished, in microseconds since the Unix epoch.
    package var timestampMicroseconds: Int64
    /// The request method.
    package var method: String
    /// The request path, percent-encoding kept as received.
    package var path: String
    /// The raw query without `?`, empty when none.
    package var query: String
    /// The route template the app set, if any.
    package var route: String?
    /// The response status; 499 when the client went away first.
    package var status: Int
    /// From the parsed request head to the last response byte, in microseconds.
    package var durationMicroseconds: Int64
    /// Request body bytes.
    package var bytesIn: Int
    /// Response body bytes.
    package var bytesOut: Int
    /// The client's IP address.
    package var remoteAddress: String
    /// The `User-Agent` header, empty when absent.
    package var userAgent: String
    /// The `Referer` header, empty when absent.
    package var referer: String
    /// The request id, received or generated.
    package var requestID: String
    /// `1.0` or `1.1`.
    package var httpVersion: String
    /// The `Host` header.
    package var host: String
    /// The worker index, 1…N.
    package var worker: Int
    /// The worker's process id.
    package var pid: Int32
    /// Fields a `postRequest` hook added, written after the schema's keys.
    package var extraFields: [AccessField] = []

    /// Creates a record.
    package init(
        timestampMicroseconds: Int64,
        method: String,
        path: String,
        query: String,
        route: String?,
        status: Int,
        durationMicroseconds: Int64,
        bytesIn: Int,
        bytesOut: Int,
        remoteAddress: String,
        userAgent: String,
        referer: String,
        requestID: String,
        httpVersion: String,
        host: String,
        worker: Int,
        pid: Int32
    ) {
        self.timestampMicroseconds = timestampMicroseconds
        self.method = method
        self.path = path
        self.query = query
        self.route = route
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
        self.referer = referer
        self.requestID = requestID
        self.httpVersion = httpVersion
        self.host = host
        self.worker = worker
        self.pid = pid
    }
}

/// A field an application added to an access record.
package struct AccessField: Sendable, Equatable {
    /// The JSON key.
    package var key: String
    /// The value, written as a JSON string.
    package var value: String

    /// A field.
    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension AccessRecord {
    /// The schema's keys: a hook's field of the same name is written as `meta_<key>`, as
    /// metadata of event records is, so a line never holds a key twice.
    static let schemaKeys = Set(RecordField.accessKeys.map(\.key))

    /// The record as one JSON line, keys in schema order.
    package func jsonLine() -> [UInt8] {
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

extension AccessRecord {
    /// gunicorn's default access line plus the duration, e.g.
    /// `127.0.0.1 - - [28/Nov/2026:17:18:00 +0000] "GET /?a=1 HTTP/1.1" 200 5 "-" "curl/8.0" 0.012345`.
    /// Quotes, backslashes and control characters in the quoted parts are escaped as nginx does (`\xHH`).
    package func textLine() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + self.path.utf8.count + self.userAgent.utf8.count)
        bytes.append(contentsOf: self.remoteAddress.utf8)
        bytes.append(contentsOf: " - - [".utf8)
        CommonLogTime.append(micros: self.timestampMicroseconds, to: &bytes)
        bytes.append(contentsOf: "] \"".utf8)
        Self.appendEscaped(self.method, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendEscaped(self.path, to: &bytes)
        if !self.query.isEmpty {
            bytes.append(UInt8(ascii: "?"))
            Self.appendEscaped(self.query, to: &bytes)
        }
        bytes.append(contentsOf: " HTTP/".utf8)
        bytes.append(contentsOf: self.httpVersion.utf8)
        bytes.append(contentsOf: "\" ".utf8)
        DecimalDigits.append(self.status, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        DecimalDigits.append(self.bytesOut, to: &bytes)
        bytes.append(contentsOf: " \"".utf8)
        Self.appendEscaped(self.referer.isEmpty ? "-" : self.referer, to: &bytes)
        bytes.append(contentsOf: "\" \"".utf8)
        Self.appendEscaped(self.userAgent.isEmpty ? "-" : self.userAgent, to: &bytes)
        bytes.append(contentsOf: "\" ".utf8)
        DecimalDigits.append(self.durationMicroseconds, fractionDigits: 6, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "x"))
                HexDigits.append(byte, to: &bytes)
            } else {
                bytes.append(byte)
            }
        }
    }
}

extension EventRecord {
    /// gunicorn's error line: `[2026-11-28 17:18:00 +0000] [pid] [LEVEL] message key=value…`.
    package func textLine() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        var stamp: [UInt8] = []
        RFC3339Timestamp.append(micros: self.timestampMicroseconds, to: &stamp)
        bytes.append(contentsOf: stamp[0..<10])
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: stamp[11..<19])
        bytes.append(contentsOf: " +0000] [\(self.pid)] [\(self.level.uppercased())] ".utf8)
        AccessRecord.appendEscaped(self.message, to: &bytes)
        for (key, value) in self.metadata {
            bytes.append(contentsOf: " \(key)=".utf8)
            AccessRecord.appendEscaped(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// The Common Log Format time, `28/Nov/2026:17:18:00 +0000`, in UTC.
enum CommonLogTime {
    static func append(micros: Int64, to bytes: inout [UInt8]) {
        var stamp: [UInt8] = []
        RFC3339Timestamp.append(micros: micros, to: &stamp)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = Int(stamp[5] - 48) * 10 + Int(stamp[6] - 48)
        bytes.append(contentsOf: stamp[8..<10])
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: months[month - 1].utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: stamp[0..<4])
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: stamp[11..<19])
        bytes.append(contentsOf: " +0000".utf8)
    }
}

/// Request ids unique across the workers of a server and over time: a random 32-bit prefix
/// drawn per worker process and a counter, as 16 hex digits.
package final class RequestIDGenerator: Sendable {
    private let prefix: UInt32
    private let counter = Atomic<UInt32>(0)

    /// Creates a generator with a fresh random prefix.
    package init() {
        self.prefix = UInt32.random(in: 0...UInt32.max)
    }

    /// The next id.
    package func next() -> String {
        let count = self.counter.add(1, ordering: .relaxed).newValue
        let value = UInt64(self.prefix) << 32 | UInt64(count)
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = hex.utf8Start[Int(value >> UInt64(60 - index * 4) & 0xF)]
            }
            return 16
        }
    }
}

import SwiftcornFormat
import SwiftcornTime

extension AccessRecord {
    /// gunicorn's default access line plus the duration, e.g.
    /// `127.0.0.1 - - [28/Nov/2026:17:18:00 +0000] "GET /?a=1 HTTP/1.1" 200 5 "-" "curl/8.0" 0.012345`.
    /// Quotes, backslashes and control characters in the quoted parts are escaped as nginx does (`\xHH`).
    public func textLine() -> [UInt8] {
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
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            } else {
                bytes.append(byte)
            }
        }
    }
}

extension EventRecord {
    /// gunicorn's error line: `[2026-11-28 17:18:00 +0000] [pid] [LEVEL] message key=value…`.
    public func textLine() -> [UInt8] {
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

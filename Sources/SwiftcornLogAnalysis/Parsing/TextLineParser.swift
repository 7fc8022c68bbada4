import SwiftcornFormat

/// Parses gunicorn/Apache "combined" lines with an optional trailing duration:
/// `host ident user [28/Nov/2026:17:18:00 +0000] "GET /p?q HTTP/1.1" 200 512 "referer" "agent" 0.012`.
///
/// A trailing number with a decimal point is seconds (gunicorn's `%(L)s`); a whole number is
/// microseconds (gunicorn's `%(D)s`, Apache's `%D`). Without one the duration is 0.
enum TextLineParser {
    /// Parses `line` into `record`; returns why it failed, or nil on success.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, into record: inout ParsedRecord) -> ParseFailure? {
        record.reset(line: line)
        guard let base = line.baseAddress else { return ParseFailure(.invalidJSON) }
        var cursor = TextCursor(base: base, count: line.count)
        let failure = ParseFailure(.invalidJSON, "neither JSON nor a combined-format access line")
        guard let host = cursor.token() else { return failure }
        record.spans[RecordField.remoteAddress.rawValue] = host
        guard cursor.token() != nil, cursor.token() != nil, let time = cursor.delimited(open: "[", close: "]"),
            let micros = Timestamp.parseCommonLog(UnsafeBufferPointer(start: base + Int(time.start), count: time.count))
        else { return failure }
        record.spans[RecordField.ts.rawValue] = time
        record.timestamp = micros
        guard let request = cursor.delimited(open: "\"", close: "\"") else { return failure }
        Self.splitRequest(request, base: base, into: &record)
        guard let status = cursor.token(), let statusValue = RecordDecoding.integer(base, status), (0...999).contains(statusValue) else {
            return failure
        }
        record.spans[RecordField.status.rawValue] = ValueSpan(start: status.start, end: status.end, type: .number, escaped: false)
        record.status = Int(statusValue)
        guard let size = cursor.token() else { return failure }
        if let bytes = RecordDecoding.integer(base, size) {
            record.bytesOut = bytes
            record.spans[RecordField.bytesOut.rawValue] = ValueSpan(start: size.start, end: size.end, type: .number, escaped: false)
        }
        record.kind = .access
        if let referer = cursor.delimited(open: "\"", close: "\"") {
            record.spans[RecordField.referer.rawValue] = referer
        }
        if let agent = cursor.delimited(open: "\"", close: "\"") {
            record.spans[RecordField.userAgent.rawValue] = agent
        }
        if let duration = cursor.lastNumberToken() {
            let isSeconds = UnsafeBufferPointer(start: base + Int(duration.start), count: duration.count).contains(UInt8(ascii: "."))
            if isSeconds, let micros = RecordDecoding.fixedPoint(base, duration, fractionDigits: 6) {
                record.durationMicroseconds = micros
            } else if let micros = RecordDecoding.integer(base, duration) {
                record.durationMicroseconds = micros
            }
            record.spans[RecordField.durationMilliseconds.rawValue] = duration
        } else {
            record.spans[RecordField.durationMilliseconds.rawValue] = ValueSpan(start: 0, end: 0, type: .number, escaped: false)
        }
        if !UTF8Validation.isValid(line) {
            return ParseFailure(.invalidUTF8)
        }
        return nil
    }

    /// Splits `METHOD TARGET PROTOCOL` into method, path, query and HTTP version spans.
    private static func splitRequest(_ request: ValueSpan, base: UnsafePointer<UInt8>, into record: inout ParsedRecord) {
        var parts: [ValueSpan] = []
        var start = Int(request.start)
        var index = start
        let end = Int(request.end)
        while index <= end {
            if index == end || base[index] == UInt8(ascii: " ") {
                if index > start {
                    parts.append(ValueSpan(start: Int32(start), end: Int32(index), type: .string, escaped: request.escaped))
                }
                start = index + 1
            }
            index += 1
        }
        guard parts.count >= 2 else { return }
        record.spans[RecordField.method.rawValue] = parts[0]
        var path = parts[1]
        var query = ValueSpan(start: path.end, end: path.end, type: .string, escaped: false)
        for position in Int(path.start)..<Int(path.end) where base[position] == UInt8(ascii: "?") {
            query = ValueSpan(start: Int32(position + 1), end: path.end, type: .string, escaped: path.escaped)
            path.end = Int32(position)
            break
        }
        record.spans[RecordField.path.rawValue] = path
        record.spans[RecordField.query.rawValue] = query
        if parts.count >= 3 {
            var version = parts[2]
            if version.count > 5 {
                version.start += 5  // drop "HTTP/"
            }
            record.spans[RecordField.httpVersion.rawValue] = version
        }
    }
}

import SwiftcornFormat

/// Turns a scanned record's spans into its kind and decoded numbers, checking required keys.
enum RecordDecoding {
    /// Classifies the record and decodes `ts`, `status`, `duration_ms`, bytes, worker and pid.
    static func decode(_ record: inout ParsedRecord) -> ParseFailure? {
        let line = record.line
        let event = record.spans[RecordField.event.rawValue]
        if event.type == .string {
            let bytes = record.rawBytes(spanIndex: RecordField.event.rawValue)
            record.kind =
                Self.equals(bytes, RecordField.accessEvent) ? .access : Self.equals(bytes, RecordField.logEvent) ? .log : .other
        } else if event.type == .absent, record.spans[RecordField.status.rawValue].type != .absent {
            record.kind = .access
        } else if event.type != .absent {
            return ParseFailure(.wrongType, "event is not a string")
        } else {
            record.kind = .other
        }
        let ts = record.spans[RecordField.ts.rawValue]
        if ts.type == .absent {
            if record.kind == .access {
                return ParseFailure(.missingKey, "ts")
            }
        } else {
            guard ts.type == .string, let micros = Timestamp.parseRFC3339(record.rawBytes(spanIndex: RecordField.ts.rawValue)) else {
                return ParseFailure(.wrongType, "ts is not an RFC 3339 time")
            }
            record.timestamp = micros
        }
        guard record.kind == .access else { return nil }
        guard let base = line.baseAddress else { return ParseFailure(.invalidJSON) }
        let status = record.spans[RecordField.status.rawValue]
        guard status.type != .absent else { return ParseFailure(.missingKey, "status") }
        guard status.type == .number, let statusValue = Self.integer(base, status), (0...999).contains(statusValue) else {
            return ParseFailure(.wrongType, "status is not an integer status code")
        }
        record.status = Int(statusValue)
        let duration = record.spans[RecordField.durationMilliseconds.rawValue]
        guard duration.type != .absent else { return ParseFailure(.missingKey, "duration_ms") }
        guard duration.type == .number, let micros = Self.microseconds(fromMilliseconds: base, duration), micros >= 0 else {
            return ParseFailure(.wrongType, "duration_ms is not a non-negative number")
        }
        record.durationMicroseconds = micros
        if let failure = Self.optionalInteger(&record.bytesIn, .bytesIn, base, record)
            ?? Self.optionalInteger(&record.bytesOut, .bytesOut, base, record)
        {
            return failure
        }
        var worker: Int64 = 0
        var pid: Int64 = 0
        if let failure = Self.optionalInteger(&worker, .worker, base, record) ?? Self.optionalInteger(&pid, .pid, base, record) {
            return failure
        }
        record.worker = Int(worker)
        record.pid = Int(pid)
        return nil
    }

    /// Decodes an optional integer field into `value`, failing only when present with the wrong type.
    private static func optionalInteger(
        _ value: inout Int64,
        _ field: RecordField,
        _ base: UnsafePointer<UInt8>,
        _ record: ParsedRecord
    ) -> ParseFailure? {
        let span = record.spans[field.rawValue]
        switch span.type {
        case .absent, .null: return nil
        case .number:
            guard let decoded = Self.integer(base, span) else { return ParseFailure(.wrongType, "\(field.key) is not an integer") }
            value = decoded
            return nil
        default: return ParseFailure(.wrongType, "\(field.key) is not an integer")
        }
    }

    /// A JSON number without fraction or exponent, or nil.
    @inline(__always)
    static func integer(_ base: UnsafePointer<UInt8>, _ span: ValueSpan) -> Int64? {
        var index = Int(span.start)
        let end = Int(span.end)
        var negative = false
        if base[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        // A lone "-" (the text format's "no value") is not zero.
        guard index < end, end - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < end {
            let digit = base[index] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// A millisecond number as whole microseconds, rounding beyond the third decimal.
    @inline(__always)
    static func microseconds(fromMilliseconds base: UnsafePointer<UInt8>, _ span: ValueSpan) -> Int64? {
        Self.fixedPoint(base, span, fractionDigits: 3)
    }

    /// A number scaled by 10^`fractionDigits` as an integer, rounding beyond those digits;
    /// exact decimal arithmetic, with a Double fallback only for exponents.
    @inline(__always)
    static func fixedPoint(_ base: UnsafePointer<UInt8>, _ span: ValueSpan, fractionDigits: Int) -> Int64? {
        var index = Int(span.start)
        let end = Int(span.end)
        var negative = false
        if base[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var whole: Int64 = 0
        var digits = 0
        while index < end, base[index] &- 48 < 10 {
            whole = whole * 10 + Int64(base[index] &- 48)
            index += 1
            digits += 1
        }
        guard digits <= 12 else { return nil }
        var unit: Int64 = 1
        for _ in 0..<fractionDigits {
            unit *= 10
        }
        var fraction: Int64 = 0
        var scale = unit / 10
        var roundUp = false
        var seenRoundingDigit = false
        if index < end, base[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, base[index] &- 48 < 10 {
                let digit = Int64(base[index] &- 48)
                if scale > 0 {
                    fraction += digit * scale
                    scale /= 10
                } else if !seenRoundingDigit {
                    roundUp = digit >= 5
                    seenRoundingDigit = true
                }
                index += 1
            }
        }
        if index < end {
            // An exponent: rare enough to take the slow, exact-enough path through Double.
            let text = String(decoding: UnsafeBufferPointer(start: base + Int(span.start), count: span.count), as: UTF8.self)
            guard let value = Double(text), value.isFinite, abs(value) < 9e12 else { return nil }
            return Int64((value * Double(unit)).rounded())
        }
        let scaled = whole * unit + fraction + (roundUp ? 1 : 0)
        return negative ? -scaled : scaled
    }

    /// Whether `bytes` spell `text`.
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for index in 0..<bytes.count where bytes[index] != expected[index] {
            return false
        }
        return true
    }
}

import SwiftcornFormat

/// One parsed line: numbers decoded, strings kept as spans into the line's bytes.
///
/// Any kind of record, access or error log (``kind``), which is why it is not named after the
/// server's `AccessRecord`, the record a worker writes; the round-trip tests import both.
///
/// A worker reuses one record for every line it parses, so parsing allocates nothing; the spans and
/// ``line`` are only valid while the line is being processed.
package struct ParsedRecord {
    /// The bytes of the line the spans point into.
    var line: UnsafeBufferPointer<UInt8>
    /// One span per schema field, then one per extra key.
    var spans: [ValueSpan]
    /// What the line held.
    package var kind: RecordKind = .other
    /// `ts` in microseconds since the Unix epoch.
    package var timestamp: Int64 = 0
    /// Response status.
    package var status: Int = 0
    /// `duration_ms` in microseconds.
    package var durationMicroseconds: Int64 = 0
    /// Request body bytes.
    package var bytesIn: Int64 = 0
    /// Response body bytes.
    package var bytesOut: Int64 = 0
    /// Worker index, 0 when absent.
    package var worker: Int = 0
    /// Worker process id, 0 when absent.
    package var pid: Int = 0

    /// Creates an empty record with room for `extraKeys` non-schema keys.
    init(extraKeys: Int) {
        self.line = UnsafeBufferPointer(start: nil, count: 0)
        self.spans = Array(repeating: .absent, count: RecordField.allCases.count + extraKeys)
    }

    /// Forgets the previous line's values, keeping the span table's storage.
    mutating func reset(line: UnsafeBufferPointer<UInt8>) {
        self.line = line
        self.spans.withUnsafeMutableBufferPointer { spans in
            for index in spans.indices {
                spans[index] = .absent
            }
        }
        // The declared defaults, set one by one: rebuilding the record would cost the span
        // table a retain and release on every line.
        self.kind = .other
        self.timestamp = 0
        self.status = 0
        self.durationMicroseconds = 0
        self.bytesIn = 0
        self.bytesOut = 0
        self.worker = 0
        self.pid = 0
    }

    /// Whether the record has a value for `field`.
    package func has(_ field: FieldReference) -> Bool {
        self.spans[field.spanIndex].type != .absent
    }
}

extension ParsedRecord {
    /// The raw bytes of a field's value (escapes not decoded), empty when absent.
    func rawBytes(_ field: FieldReference) -> UnsafeBufferPointer<UInt8> {
        self.rawBytes(spanIndex: field.spanIndex)
    }

    /// The raw bytes of the value in span `spanIndex`.
    func rawBytes(spanIndex: Int) -> UnsafeBufferPointer<UInt8> {
        let span = self.spans[spanIndex]
        guard span.type != .absent, let base = self.line.baseAddress else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: base + Int(span.start), count: span.count)
    }

    /// A field's value as text: strings with escapes decoded, numbers and literals as written.
    package func string(_ field: FieldReference) -> String? {
        let span = self.spans[field.spanIndex]
        guard span.type != .absent else { return nil }
        let bytes = self.rawBytes(spanIndex: field.spanIndex)
        if span.escaped {
            return JSONStringDecoding.decode(bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A field's value as a number: decoded numbers for schema fields, parsed text otherwise.
    package func number(_ field: FieldReference) -> Double? {
        switch field {
        case .known(.status): return self.has(field) ? Double(self.status) : nil
        case .known(.durationMilliseconds): return self.has(field) ? Double(self.durationMicroseconds) / 1000 : nil
        case .known(.bytesIn): return self.has(field) ? Double(self.bytesIn) : nil
        case .known(.bytesOut): return self.has(field) ? Double(self.bytesOut) : nil
        case .known(.worker): return self.has(field) ? Double(self.worker) : nil
        case .known(.pid): return self.has(field) ? Double(self.pid) : nil
        case .known(.ts): return self.has(field) ? Double(self.timestamp) : nil
        default:
            guard let text = self.string(field) else { return nil }
            return Double(text)
        }
    }
}

/// A field a command or filter reads: a schema key or any other key of the JSON object.
package enum FieldReference: Hashable, Sendable, CustomStringConvertible {
    /// A key of the schema.
    case known(RecordField)
    /// Another key, looked up by name; `slot` is its index in the parser's extra-key list.
    case extra(name: String, slot: Int)

    /// The key as written in records.
    package var name: String {
        switch self {
        case .known(let field): field.key
        case .extra(let name, _): name
        }
    }

    /// Index into ``ParsedRecord``'s span table.
    var spanIndex: Int {
        switch self {
        case .known(let field): field.rawValue
        case .extra(_, let slot): RecordField.allCases.count + slot
        }
    }

    /// A short human-readable form, for logs and messages.
    package var description: String { self.name }
}

/// The schema's keys as the analyser names and matches them. The raw values of
/// ``RecordField`` index ``ParsedRecord``'s span table.
extension RecordField {
    /// The field for a key, accepting the short aliases the CLI offers (`client`, `ua`, `duration`).
    package init?(name: String) {
        switch name {
        case "client", "ip", "remote_addr": self = .remoteAddress
        case "ua", "user_agent": self = .userAgent
        case "duration", "duration_ms", "latency": self = .durationMilliseconds
        case "time", "ts": self = .ts
        default:
            guard let field = RecordField.allCases.first(where: { $0.key == name }) else { return nil }
            self = field
        }
    }

    /// The keys' bytes, indexed by raw value, for the parser's comparisons.
    static let keyBytes: [[UInt8]] = RecordField.allCases.map { Array($0.key.utf8) }
}

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

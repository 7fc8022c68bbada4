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

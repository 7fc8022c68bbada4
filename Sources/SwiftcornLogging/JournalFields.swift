import CSystemd
import SwiftcornFormat

#if canImport(Glibc)
import Glibc
#endif

/// Journal field names: `[A-Z0-9_]`, at most 64 bytes, not starting with `_` or a digit.
enum JournalFieldName {
    /// Fields the sink sets itself, the schema's and journald's own; metadata keys that would
    /// collide get a `META_` prefix.
    static let reserved: Set<String> = Set(RecordField.allCases.compactMap { $0.journalField?.description }).union([
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "MESSAGE_ID", "SYSLOG_FACILITY",
        "SYSLOG_PID",
    ])

    static func forMetadataKey(_ key: String) -> String {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") ? Character(scalar) : "_"
            }
        )
        if name.isEmpty || name.first == "_" || name.first!.isNumber || Self.reserved.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }
}

/// The fields of one journal entry, laid out in one buffer as journald's native protocol wants
/// them: `NAME=value\n`, or, for a value holding a newline, `NAME\n`, its length as a
/// little-endian 64-bit integer, the value and `\n`. One `send` on a connected socket then
/// carries the whole entry.
struct JournalFields {
    private var bytes: [UInt8] = []
    /// Where each field's name and value lie in `bytes`, for the `sd_journal_sendv` fallback.
    private var spans: [(name: Range<Int>, value: Range<Int>)] = []

    init() {
        self.bytes.reserveCapacity(1024)
        self.spans.reserveCapacity(24)
    }

    mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.spans.removeAll(keepingCapacity: true)
    }

    mutating func add(_ name: String, _ value: String) {
        let nameStart = self.begin(name)
        self.bytes.append(contentsOf: value.utf8)
        self.end(nameStart: nameStart, nameCount: name.utf8.count)
    }

    mutating func add(_ name: String, _ value: [UInt8]) {
        let nameStart = self.begin(name)
        self.bytes.append(contentsOf: value)
        self.end(nameStart: nameStart, nameCount: name.utf8.count)
    }

    /// `MESSAGE=` and `entry`'s JSON line without its newline, rendered straight into the buffer
    /// (JSON escapes every control character, so the value never holds a newline).
    mutating func addMessage(_ entry: LogEntry) {
        let nameStart = self.begin("MESSAGE")
        entry.appendJSON(to: &self.bytes, line: false)
        self.end(nameStart: nameStart, nameCount: 7, mayHoldNewline: false)
    }

    /// `NAME=digits`, the digits written straight into the buffer.
    mutating func add(_ name: String, _ value: Int) {
        let nameStart = self.begin(name)
        DecimalDigits.append(value, to: &self.bytes)
        self.end(nameStart: nameStart, nameCount: name.utf8.count, mayHoldNewline: false)
    }

    /// A schema field's `NAME=value` under its ``RecordField/journalField`` name.
    mutating func add(_ field: RecordField, _ value: String) {
        let name = Self.name(field)
        let nameStart = self.begin(name)
        self.bytes.append(contentsOf: value.utf8)
        self.end(nameStart: nameStart, nameCount: name.utf8CodeUnitCount)
    }

    /// A schema field's `NAME=digits` under its ``RecordField/journalField`` name.
    mutating func add(_ field: RecordField, _ value: Int) {
        let name = Self.name(field)
        let nameStart = self.begin(name)
        DecimalDigits.append(value, to: &self.bytes)
        self.end(nameStart: nameStart, nameCount: name.utf8CodeUnitCount, mayHoldNewline: false)
    }

    /// The journal name of a field the schema gives one.
    private static func name(_ field: RecordField) -> StaticString {
        guard let name = field.journalField else { preconditionFailure("\(field) has no journal field") }
        return name
    }

    private mutating func begin(_ name: StaticString) -> Int {
        let start = self.bytes.count
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        self.bytes.append(UInt8(ascii: "="))
        return start
    }

    private mutating func begin(_ name: String) -> Int {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        return start
    }

    /// Ends the field whose value follows `NAME=`: a value holding a newline is rewritten in the
    /// length-prefixed form, so it cannot start a forged field.
    /// (`mayHoldNewline: false` for values that cannot, JSON and digits, spares the scan.)
    private mutating func end(nameStart: Int, nameCount: Int, mayHoldNewline: Bool = true) {
        let separator = nameStart + nameCount
        var valueStart = separator + 1
        if mayHoldNewline && self.bytes[valueStart...].contains(UInt8(ascii: "\n")) {
            let length = UInt64(self.bytes.count - valueStart).littleEndian
            self.bytes[separator] = UInt8(ascii: "\n")
            withUnsafeBytes(of: length) { self.bytes.insert(contentsOf: $0, at: valueStart) }
            valueStart += 8
        }
        self.spans.append((nameStart..<separator, valueStart..<self.bytes.count))
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// The fields in order, names and values as journald stores them: what tests compare.
    var entries: [(name: String, value: [UInt8])] {
        self.spans.map { (String(decoding: self.bytes[$0.name], as: UTF8.self), Array(self.bytes[$0.value])) }
    }

    /// Sends the entry as one datagram on `socket`, connected to journald, without waiting: 0 or
    /// a negative errno, `-EAGAIN` when journald's queue is full.
    func send(on socket: Int32) -> Int32 {
        let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        let sent = self.bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, flags) }
        return sent < 0 ? -errno : 0
    }

    /// Sends the entry with `sd_journal_sendv`, which passes an entry too large for a datagram in
    /// a sealed memfd: 0 or a negative errno.
    func sendThroughLibsystemd() -> Int32 {
        var flat: [UInt8] = []
        var ranges: [Range<Int>] = []
        for span in self.spans {
            let start = flat.count
            flat.append(contentsOf: self.bytes[span.name])
            flat.append(UInt8(ascii: "="))
            flat.append(contentsOf: self.bytes[span.value])
            ranges.append(start..<flat.count)
        }
        return flat.withUnsafeMutableBytes { base in
            var vectors = ranges.map { iovec(iov_base: base.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}

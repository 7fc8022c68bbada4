import SwiftcornFormat
import SwiftcornTime

/// Appends JSON to a byte array by hand: the hot path of every access record, so no
/// Foundation encoder, no intermediate `String`s and no dictionary.
///
/// Strings are escaped by ``JSONString`` (RFC 8259 plus DEL, U+2028 and U+2029), numbers
/// written by ``DecimalDigits``. Objects and arrays nest (``object(_:_:)``, ``array(_:_:)``),
/// so a document is written front to back and never trimmed.
package struct JSONLineWriter: Sendable {
    /// The line so far.
    package private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Starts an object.
    package init(capacity: Int = 512) {
        self.bytes.reserveCapacity(capacity)
        self.bytes.append(UInt8(ascii: "{"))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Appends one object, and a newline when `line`, to `buffer` in place: `body` writes its
    /// fields. The buffer is swapped in and out, never copied, however large it has grown (a
    /// writer thread's batch).
    package static func append(to buffer: inout [UInt8], line: Bool, _ body: (inout JSONLineWriter) -> Void) {
        var writer = JSONLineWriter(bytes: [])
        swap(&writer.bytes, &buffer)
        writer.bytes.append(UInt8(ascii: "{"))
        body(&writer)
        writer.bytes.append(UInt8(ascii: "}"))
        if line { writer.bytes.append(UInt8(ascii: "\n")) }
        swap(&writer.bytes, &buffer)
    }

    /// Ends the object and the line.
    package mutating func finish() -> [UInt8] {
        self.bytes.append(UInt8(ascii: "}"))
        self.bytes.append(UInt8(ascii: "\n"))
        return self.bytes
    }

    /// Adds `"key":"value"`.
    package mutating func field(_ key: StaticString, _ value: String) {
        self.key(key)
        JSONString.appendQuoted(value, to: &self.bytes)
    }

    /// Adds `"key":"value"` for a key known only at run time (metadata).
    package mutating func field(dynamicKey key: String, _ value: String) {
        self.dynamicKey(key)
        JSONString.appendQuoted(value, to: &self.bytes)
    }

    /// Adds `"key":integer` for a key known only at run time.
    package mutating func field(dynamicKey key: String, _ value: Int) {
        self.dynamicKey(key)
        DecimalDigits.append(value, to: &self.bytes)
    }

    /// Adds `"key":integer`.
    package mutating func field(_ key: StaticString, _ value: Int64) {
        self.key(key)
        DecimalDigits.append(value, to: &self.bytes)
    }

    /// Adds `"key":integer`.
    package mutating func field(_ key: StaticString, _ value: Int) {
        self.field(key, Int64(value))
    }

    /// Adds `"key":milliseconds` with microsecond precision, from microseconds, e.g. `12.345`.
    package mutating func field(_ key: StaticString, millisecondsFromMicroseconds micros: Int64) {
        self.key(key)
        DecimalDigits.append(micros, fractionDigits: 3, to: &self.bytes)
    }

    /// Adds `"key":"2026-11-28T17:18:00.123456Z"`, written in place.
    package mutating func field(_ key: StaticString, timestampMicroseconds micros: Int64) {
        self.key(key)
        self.bytes.append(UInt8(ascii: "\""))
        RFC3339Timestamp.append(micros: micros, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Adds `"key":{…}`, `body` writing the inner object's fields.
    package mutating func object(_ key: StaticString, _ body: (inout JSONLineWriter) -> Void) {
        self.key(key)
        self.nested(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
    }

    /// Adds `"key":[…]`, `body` adding the elements with ``element(_:)``.
    package mutating func array(_ key: StaticString, _ body: (inout JSONLineWriter) -> Void) {
        self.key(key)
        self.nested(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), body)
    }

    /// Adds an object as the next element of the array being written, `body` writing its fields.
    package mutating func element(_ body: (inout JSONLineWriter) -> Void) {
        self.separator()
        self.nested(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
    }

    private mutating func nested(open: UInt8, close: UInt8, _ body: (inout JSONLineWriter) -> Void) {
        self.bytes.append(open)
        self.needsComma = false
        body(&self)
        self.bytes.append(close)
        self.needsComma = true
    }

    private mutating func separator() {
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.needsComma = true
    }

    private mutating func key(_ key: StaticString) {
        self.separator()
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
    }

    private mutating func dynamicKey(_ key: String) {
        self.separator()
        JSONString.appendQuoted(key, to: &self.bytes)
        self.bytes.append(UInt8(ascii: ":"))
    }
}

extension JSONLineWriter {
    /// Adds a schema field's `"key":"value"`.
    package mutating func field(_ field: RecordField, _ value: String) {
        self.field(field.jsonKey, value)
    }

    /// Adds a schema field's `"key":"value"` from a static string that needs no escape (the
    /// schema's `event` and `level` constants).
    package mutating func field(_ field: RecordField, _ value: StaticString) {
        self.key(field.jsonKey)
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Adds a schema field's `"key":integer`.
    package mutating func field(_ field: RecordField, _ value: Int) {
        self.field(field.jsonKey, Int64(value))
    }

    /// Adds a schema field's `"key":milliseconds` from microseconds.
    package mutating func field(_ field: RecordField, millisecondsFromMicroseconds micros: Int64) {
        self.field(field.jsonKey, millisecondsFromMicroseconds: micros)
    }

    /// Adds a schema field's `"key":"timestamp"`.
    package mutating func field(_ field: RecordField, timestampMicroseconds micros: Int64) {
        self.field(field.jsonKey, timestampMicroseconds: micros)
    }
}

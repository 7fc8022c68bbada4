import SwiftcornFormat

/// Bytes of an exposition being written, with number formatting that allocates nothing for
/// integers (most values of a scrape).
struct ExpositionBuffer {
    var bytes: [UInt8] = []

    /// Writes into `storage`'s memory, emptied: a scrape of megabytes then touches no new page.
    /// Takes the array out of `storage`, so the buffer is its only owner and no copy is made.
    init(reusing storage: inout [UInt8]) {
        swap(&self.bytes, &storage)
        self.bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    mutating func append(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { self.bytes.append(contentsOf: $0) }
    }

    /// `name` `suffix` `{labels,extra}` and a space, from pre-rendered bytes: the hot loop of a
    /// scrape, thousands of lines, without a `String` in sight.
    mutating func appendSeries(_ name: [UInt8], suffix: [UInt8], labels: [UInt8], extra: [UInt8] = []) {
        self.append(bytes: name)
        self.append(bytes: suffix)
        if !labels.isEmpty || !extra.isEmpty {
            self.bytes.append(UInt8(ascii: "{"))
            self.append(bytes: labels)
            if !labels.isEmpty && !extra.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
            self.append(bytes: extra)
            self.bytes.append(UInt8(ascii: "}"))
        }
        self.bytes.append(UInt8(ascii: " "))
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        self.bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ value: UInt64) {
        DecimalDigits.append(value, to: &self.bytes)
    }

    /// A `Double` as both formats accept it: integral values without a fraction, `+Inf`, `NaN`.
    mutating func append(_ value: Double) {
        if value.isNaN {
            self.append("NaN")
        } else if value.isInfinite {
            self.append(value > 0 ? "+Inf" : "-Inf")
        } else if value >= 0 && value < 1e15 && value == value.rounded() {
            self.append(UInt64(value))
        } else {
            self.append(value.description)
        }
    }

    /// `name{labels,extra}` or `name{extra}` or `name`, then a space.
    mutating func appendSeries(_ name: String, suffix: String, labels: String, extra: String = "") {
        self.append(name)
        self.append(suffix)
        if !labels.isEmpty || !extra.isEmpty {
            self.append(byte: UInt8(ascii: "{"))
            self.append(labels)
            if !labels.isEmpty && !extra.isEmpty { self.append(byte: UInt8(ascii: ",")) }
            self.append(extra)
            self.append(byte: UInt8(ascii: "}"))
        }
        self.append(byte: UInt8(ascii: " "))
    }

    /// `# HELP` and `# TYPE` lines.
    mutating func appendHeader(_ name: String, type: String, help: String) {
        self.append("# HELP ")
        self.append(name)
        self.append(byte: UInt8(ascii: " "))
        self.append(help)
        self.append("\n# TYPE ")
        self.append(name)
        self.append(byte: UInt8(ascii: " "))
        self.append(type)
        self.append(byte: UInt8(ascii: "\n"))
    }
}

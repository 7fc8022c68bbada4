/// Bytes of an exposition being written, with number formatting that allocates nothing for
/// integers (most values of a scrape).
struct ExpositionBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        self.bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        self.bytes.append(byte)
    }

    mutating func append(_ value: UInt64) {
        guard value >= 10 else {
            self.bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            self.bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
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

/// Decimal numbers written as ASCII digits straight into a byte array: the one digit writer of
/// the access and error logs, journald fields, timestamps, the exposition and statsd lines.
///
/// Digits are produced last first into a stack buffer and copied in one go; divisions by the
/// constant 10 compile to multiplications. Nothing is allocated beyond the array's own growth.
package enum DecimalDigits {
    /// Appends `value` in decimal.
    @inlinable
    package static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // 20 digits hold UInt64.max.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            var rest = value
            repeat {
                index &-= 1
                digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    /// How many digits `value` has in decimal.
    @inlinable
    package static func count(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits &+= 1
            rest /= 10
        }
        return digits
    }

    /// Writes `value`'s `digits` decimal digits (``count(_:)``) at `base`: for writers into raw
    /// memory, such as a response head, that learn the length first to check it fits.
    @inlinable
    package static func write(_ value: UInt64, digits: Int, at base: UnsafeMutableRawPointer) {
        var rest = value
        var offset = digits
        repeat {
            offset &-= 1
            base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10), toByteOffset: offset, as: UInt8.self)
            rest /= 10
        } while offset > 0
    }

    /// Appends `value` in decimal, with a leading `-` when negative (`Int64.min` included).
    @inlinable
    package static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        Self.append(value.magnitude, to: &bytes)
    }

    /// Appends `value` in decimal, with a leading `-` when negative.
    @inlinable
    package static func append(_ value: Int, to bytes: inout [UInt8]) {
        Self.append(Int64(value), to: &bytes)
    }

    /// Appends `value` left-padded with zeros to `width` digits (more when it needs more):
    /// the fields of a timestamp.
    @inlinable
    package static func append(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        let digits = Self.count(value)
        for _ in digits..<max(width, digits) {
            bytes.append(UInt8(ascii: "0"))
        }
        Self.append(value, to: &bytes)
    }

    /// Appends `value / 10^fractionDigits` with exactly `fractionDigits` decimals, exact (no
    /// floating point): microseconds as milliseconds with `fractionDigits: 3` (`12.345`), as
    /// seconds with 6. With `trimmingZeros`, trailing zeros of the fraction and a point with
    /// nothing after it are left out (`12.5`, `12`), as statsd values are written.
    ///
    /// A negative value is written with `-` even when its whole part is zero (`-0.250`).
    @inlinable
    package static func append(_ value: Int64, fractionDigits: Int, trimmingZeros: Bool = false, to bytes: inout [UInt8]) {
        precondition((0...19).contains(fractionDigits))
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        var unit: UInt64 = 1
        for _ in 0..<fractionDigits {
            unit &*= 10
        }
        let magnitude = value.magnitude
        Self.append(magnitude / unit, to: &bytes)
        var fraction = magnitude % unit
        guard fractionDigits > 0, !(trimmingZeros && fraction == 0) else { return }
        bytes.append(UInt8(ascii: "."))
        var place = unit / 10
        while place > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / place))
            fraction %= place
            place /= 10
            if trimmingZeros && fraction == 0 { return }
        }
    }
}

/// A byte as two uppercase hexadecimal digits, for the escapes that spell bytes out: `%FF` in a
/// request target, `\xFF` in gunicorn's text access line.
package enum HexDigits {
    /// Appends `byte`'s two digits, high first.
    @inlinable
    package static func append(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(Self.digit(byte >> 4))
        bytes.append(Self.digit(byte & 0x0F))
    }

    @inlinable
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "A") &+ (nibble &- 10)
    }
}

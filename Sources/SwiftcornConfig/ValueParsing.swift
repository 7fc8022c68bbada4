/// Parsers for the value forms operators type: durations (`500ms`, `30s`, `5m`) and sizes (`512KiB`, `10MiB`, `1GB`).
package enum ValueParsing {
    /// Parses a duration of at most a year (`30s`, `500ms`, `5m`, `1h`; a bare number is seconds);
    /// zero only when `allowsZero`, for the timeouts whose zero would spin or expire at once.
    package static func duration(_ text: String, key: String, allowsZero: Bool = true) throws(ConfigurationError) -> Duration {
        let (number, unit) = Self.split(text)
        let scale: Double? =
            switch unit {
            case "", "s": 1
            case "ms": 0.001
            case "us": 0.000_001
            case "m": 60
            case "h": 3600
            default: nil
            }
        // A year bounds the nanoseconds far below Int64's limit, which a bigger value would trap on.
        guard let scale, let value = Double(number), value.isFinite, value * scale <= 366 * 86_400,
            allowsZero ? value >= 0 : value > 0
        else {
            throw ConfigurationError(
                .invalidValue,
                key: key,
                value: text,
                expected: allowsZero
                    ? "a duration such as 500ms, 30s, 5m or 1h, at most a year" : "a positive duration such as 500ms, 30s, 5m or 1h, at most a year"
            )
        }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }

    /// Parses a byte size with an SI (`KB`, `MB`, `GB`) or IEC (`KiB`, `MiB`, `GiB`) suffix.
    package static func size(_ text: String, key: String) throws(ConfigurationError) -> Int {
        let (number, unit) = Self.split(text)
        let scale: Double? =
            switch unit.lowercased() {
            case "", "b": 1
            case "kb", "k": 1_000
            case "mb", "m": 1_000_000
            case "gb", "g": 1_000_000_000
            case "kib": 1_024
            case "mib": 1_048_576
            case "gib": 1_073_741_824
            default: nil
            }
        guard let scale, let value = Double(number), value >= 0, value * scale < 9e18 else {
            throw ConfigurationError(
                .invalidValue,
                key: key,
                value: text,
                expected: "a size such as 8192, 512KiB, 10MiB or 1GB"
            )
        }
        return Int((value * scale).rounded())
    }

    /// Parses an integer within `range`.
    package static func integer(_ text: String, key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                .invalidValue,
                key: key,
                value: text,
                expected: "an integer in \(range.lowerBound)...\(range.upperBound)"
            )
        }
        return value
    }

    /// Parses `true`/`false` and YAML's other spellings (`yes`, `no`, `on`, `off`, `1`, `0`).
    package static func boolean(_ text: String, key: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            throw ConfigurationError(.invalidValue, key: key, value: text, expected: "true or false")
        }
    }

    /// The shortest exact text of `duration` in the units ``duration(_:key:)`` reads.
    package static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if attoseconds % 1_000_000_000_000_000 != 0 {
            return "\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)us"
        }
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// The shortest exact text of a byte size, in IEC units when they divide it.
    package static func format(size: Int) -> String {
        for (unit, scale) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where size != 0 && size % scale == 0 {
            return "\(size / scale)\(unit)"
        }
        return String(size)
    }

    private static func split(_ text: String) -> (Substring, Substring) {
        let trimmed = Substring(text).trimmingSpaces()
        let index = trimmed.firstIndex { !($0.isNumber || $0 == ".") } ?? trimmed.endIndex
        return (trimmed[..<index], trimmed[index...].trimmingSpaces())
    }
}

extension Substring {
    /// Without the spaces at either end.
    func trimmingSpaces() -> Substring {
        var trimmed = self
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return trimmed
    }

    /// Without the spaces and tabs at the end.
    func droppingTrailingBlanks() -> Substring {
        var trimmed = self
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}

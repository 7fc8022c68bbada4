/// Formats statsd lines `name:value|type[|#tags]` as bytes, with the configured prefix and dogstatsd tags.
///
/// Prefix and tag suffix are sanitized and encoded once at creation, so a line costs one array allocation.
package struct StatsdLineEncoder: Sendable {
    /// The sanitized prefix including its trailing `.`, or empty when no prefix was configured.
    package let prefixBytes: [UInt8]
    /// `|#k:v,k2:v2`, or empty when no tags were configured.
    package let tagSuffixBytes: [UInt8]

    /// Creates an encoder; `prefix` may be empty (no leading dot) or already end in `.`, tags are `k:v` strings.
    package init(prefix: String, tags: [String]) {
        var prefixBytes: [UInt8] = []
        if !prefix.isEmpty {
            Self.appendSanitized(prefix, isTag: false, to: &prefixBytes)
            if prefixBytes.last != UInt8(ascii: ".") {
                prefixBytes.append(UInt8(ascii: "."))
            }
        }
        self.prefixBytes = prefixBytes

        var tagSuffixBytes: [UInt8] = []
        for tag in tags where !tag.isEmpty {
            tagSuffixBytes.append(contentsOf: tagSuffixBytes.isEmpty ? "|#".utf8 : ",".utf8)
            Self.appendSanitized(tag, isTag: true, to: &tagSuffixBytes)
        }
        self.tagSuffixBytes = tagSuffixBytes
    }

    /// `name:value|c`.
    package func counter(_ name: String, _ value: Int64) -> [UInt8] {
        var line = beginLine(name)
        StatsdNumberFormatting.appendInteger(value, to: &line)
        endLine(.counter, &line)
        return line
    }

    /// `name:value|g`; a negative value is preceded by a `name:0|g` line in the same entry.
    ///
    /// Plain statsd reads a leading sign on a gauge as a delta, so a negative value can only be set by first
    /// resetting to zero. The two lines are returned as one entry so the packer keeps them in one datagram.
    package func gauge(_ name: String, _ value: Double) -> [UInt8] {
        var line = beginLine(name)
        if value < 0 {
            line.append(UInt8(ascii: "0"))
            endLine(.gauge, &line)
            line.append(UInt8(ascii: "\n"))
            appendName(name, to: &line)
        }
        StatsdNumberFormatting.appendDecimal(value, to: &line)
        endLine(.gauge, &line)
        return line
    }

    /// `name:milliseconds|ms`, with up to three decimals.
    package func timing(_ name: String, milliseconds: Double) -> [UInt8] {
        var line = beginLine(name)
        StatsdNumberFormatting.appendDecimal(milliseconds, to: &line)
        endLine(.timer, &line)
        return line
    }

    private func beginLine(_ name: String) -> [UInt8] {
        var line: [UInt8] = []
        // 24 covers the value and type code for any Int64 or milli-formatted Double.
        line.reserveCapacity(prefixBytes.count + name.utf8.count + 24 + tagSuffixBytes.count)
        appendName(name, to: &line)
        return line
    }

    private func appendName(_ name: String, to line: inout [UInt8]) {
        line.append(contentsOf: prefixBytes)
        if name.isEmpty {
            // Keeps the line parseable; an empty name would make `prefix.:1|c` or `:1|c`.
            line.append(UInt8(ascii: "_"))
        } else {
            Self.appendSanitized(name, isTag: false, to: &line)
        }
        line.append(UInt8(ascii: ":"))
    }

    private func endLine(_ type: StatsdMetricType, _ line: inout [UInt8]) {
        line.append(UInt8(ascii: "|"))
        line.append(contentsOf: type.code.utf8)
        line.append(contentsOf: tagSuffixBytes)
    }

    /// Replaces every character outside `[A-Za-z0-9_.-]` (plus `:` and `/` inside tags) with `_`: `:`, `|`, `@`,
    /// `#`, `,` and newlines are statsd syntax. One `_` per Unicode scalar, so non-ASCII names stay readable-ish.
    private static func appendSanitized(_ text: String, isTag: Bool, to bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            guard scalar.isASCII else {
                bytes.append(UInt8(ascii: "_"))
                continue
            }
            let byte = UInt8(truncatingIfNeeded: scalar.value)
            let isTagSyntax = isTag && (byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/"))
            bytes.append(isNameByte(byte) || isTagSyntax ? byte : UInt8(ascii: "_"))
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

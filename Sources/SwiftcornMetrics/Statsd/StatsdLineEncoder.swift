import SwiftcornFormat

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

/// ASCII number formatting straight into a byte buffer, so encoding a flush does not allocate a `String` per value.
enum StatsdNumberFormatting {
    /// Above this magnitude thousandths no longer fit comfortably in a `UInt64`, and a `Double` has no
    /// sub-millisecond precision left anyway.
    private static let largestMilliFormattedMagnitude = 1e15

    /// Appends `value` in decimal, with a leading `-` when negative.
    @inline(__always)
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        DecimalDigits.append(value, to: &bytes)
    }

    /// Appends `value` rounded to at most three decimals, without trailing zeros and without a decimal point when
    /// the rounded value is integral (`12.345`, `12.5`, `12`).
    ///
    /// Non-finite values have no statsd spelling; they are written as `0` so a line stays parseable (callers are
    /// expected to reject them earlier).
    static func appendDecimal(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let magnitude = value.magnitude
        guard magnitude < largestMilliFormattedMagnitude else {
            appendLargeDecimal(value, to: &bytes)
            return
        }
        // A tiny negative value rounds to zero, written without its sign: "-0" would be read as
        // a gauge delta by some servers.
        let thousandths = Int64((value * 1000).rounded(.toNearestOrAwayFromZero))
        DecimalDigits.append(thousandths, fractionDigits: 3, trimmingZeros: true, to: &bytes)
    }

    private static func appendLargeDecimal(_ value: Double, to bytes: inout [UInt8]) {
        // Doubles this large are integral; beyond Int64 only the shortest round-trip spelling is exact.
        if value.magnitude < 9e18 {
            appendInteger(Int64(value.rounded()), to: &bytes)
        } else {
            bytes.append(contentsOf: String(describing: value).utf8)
        }
    }
}

/// Packs encoded lines into newline-separated datagrams no larger than `maxDatagramSize`.
///
/// A line is never split: statsd servers parse each datagram on its own, so half a line is a corrupt metric.
/// An entry longer than the limit on its own is dropped and counted instead.
package struct StatsdDatagramPacker {
    /// 1432 bytes fits a 1500-byte Ethernet MTU minus IPv6 and UDP headers with room to spare.
    package static let defaultMaxDatagramSize = 1432

    /// Upper bound on the size of every datagram produced.
    package let maxDatagramSize: Int
    /// Entries dropped because they alone exceed `maxDatagramSize`.
    package private(set) var droppedLines = 0

    private var finishedDatagrams: [[UInt8]] = []
    private var currentDatagram: [UInt8] = []

    /// Creates an empty packer.
    package init(maxDatagramSize: Int = StatsdDatagramPacker.defaultMaxDatagramSize) {
        self.maxDatagramSize = maxDatagramSize
    }

    /// Adds one entry (a line, or lines that must stay together, without a trailing newline).
    package mutating func append(_ line: [UInt8]) {
        guard !line.isEmpty else {
            return
        }
        guard line.count <= maxDatagramSize else {
            droppedLines += 1
            return
        }
        if currentDatagram.isEmpty {
            currentDatagram.reserveCapacity(maxDatagramSize)
        } else if currentDatagram.count + 1 + line.count <= maxDatagramSize {
            currentDatagram.append(UInt8(ascii: "\n"))
        } else {
            finishedDatagrams.append(currentDatagram)
            currentDatagram = []
            currentDatagram.reserveCapacity(maxDatagramSize)
        }
        currentDatagram.append(contentsOf: line)
    }

    /// Returns every datagram packed so far, in line order, and starts over (the dropped count is kept).
    package mutating func finish() -> [[UInt8]] {
        if !currentDatagram.isEmpty {
            finishedDatagrams.append(currentDatagram)
            currentDatagram = []
        }
        defer { finishedDatagrams = [] }
        return finishedDatagrams
    }
}

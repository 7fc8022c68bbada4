/// A Prometheus text exposition (format 0.0.4) parsed into samples, for assertions on values.
///
/// OpenMetrics 1.0 bodies parse too: `# UNIT` and `# EOF` are read as metadata and exemplars
/// (` # {…} value`) after a sample are skipped. This parser is for reading values back, not for
/// judging the format: `Promtool` and `OpenMetricsParser` do that with the real tools.
///
/// ```swift
/// let exposition = try Exposition(parsing: scrape.text)
/// #expect(try exposition.value(of: "swiftcorn_workers") == 2)
/// #expect(exposition.sum(of: "swiftcorn_requests_total", where: ["code": "200"]) == 10)
/// ```
public struct Exposition: Sendable {
    /// Every sample, in the order of the text.
    public let samples: [ExpositionSample]
    /// `# TYPE` lines: metric family name to type (`counter`, `gauge`, `histogram`, …).
    public let types: [String: String]
    /// `# HELP` lines: metric family name to help text, escapes undone.
    public let help: [String: String]
    /// `# UNIT` lines (OpenMetrics): metric family name to unit.
    public let units: [String: String]
    /// Whether the text ended with `# EOF`, as OpenMetrics requires.
    public let hasEOF: Bool

    /// Parses `text`; throws on the first line that is not a comment, blank or a valid sample.
    public init(parsing text: String) throws {
        var samples: [ExpositionSample] = []
        var types: [String: String] = [:]
        var help: [String: String] = [:]
        var units: [String: String] = [:]
        var hasEOF = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let number = index + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if hasEOF { throw ExpositionError.malformedLine(number, String(line), "text after # EOF") }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
                if words.count == 1, words[0] == "#" { continue }
                guard words.count >= 2, words[0] == "#" else { continue }
                switch words[1] {
                case "EOF" where words.count == 2:
                    hasEOF = true
                case "TYPE" where words.count >= 4:
                    types[String(words[2])] = String(words[3])
                case "HELP" where words.count >= 3:
                    help[String(words[2])] = words.count == 4 ? Self.unescape(String(words[3])) : ""
                case "UNIT" where words.count >= 3:
                    units[String(words[2])] = words.count == 4 ? String(words[3]) : ""
                default:
                    break
                }
                continue
            }
            do {
                samples.append(try Self.parseSample(Array(line.utf8)))
            } catch let SampleSyntax.invalid(reason) {
                throw ExpositionError.malformedLine(number, String(line), reason)
            }
        }
        self.samples = samples
        self.types = types
        self.help = help
        self.units = units
        self.hasEOF = hasEOF
    }

    /// The distinct metric names of the samples.
    public var names: Set<String> { Set(self.samples.map(\.name)) }

    /// Samples named `name` whose labels include every pair in `labels`.
    public func samples(named name: String, where labels: [String: String] = [:]) -> [ExpositionSample] {
        self.samples.filter { $0.name == name && $0.matches(labels) }
    }

    /// The value of the one sample named `name` whose label set is exactly `labels`; throws,
    /// listing the series that do exist under that name, when there is none or more than one.
    public func value(of name: String, labels: [String: String] = [:]) throws -> Double {
        let found = self.samples.filter { $0.name == name && $0.labels == labels }
        guard found.count == 1 else {
            let existing = self.samples.filter { $0.name == name }.map(\.description)
            throw ExpositionError.noSingleSample(name: name, labels: labels, found: found.count, existing: existing)
        }
        return found[0].value
    }

    /// The sum of the values of samples named `name` whose labels include every pair in `labels`;
    /// 0 when none match.
    public func sum(of name: String, where labels: [String: String] = [:]) -> Double {
        self.samples(named: name, where: labels).reduce(0) { $0 + $1.value }
    }

    private enum SampleSyntax: Error {
        case invalid(String)
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || byte == 0x3A
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        Self.isNameStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func parseSample(_ bytes: [UInt8]) throws -> ExpositionSample {
        var position = 0
        func skipBlanks() {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
        }
        func readName(what: String) throws -> String {
            guard position < bytes.count, Self.isNameStart(bytes[position]) else { throw SampleSyntax.invalid("expected \(what)") }
            let start = position
            while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        func readToken() -> String {
            let start = position
            while position < bytes.count, bytes[position] != 0x20, bytes[position] != 0x09 { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        let name = try readName(what: "a metric name")
        var labels: [String: String] = [:]
        skipBlanks()
        if position < bytes.count, bytes[position] == 0x7B {  // {
            position += 1
            while true {
                skipBlanks()
                guard position < bytes.count else { throw SampleSyntax.invalid("unterminated label set") }
                if bytes[position] == 0x7D {  // }
                    position += 1
                    break
                }
                let labelName = try readName(what: "a label name")
                skipBlanks()
                guard position < bytes.count, bytes[position] == 0x3D else { throw SampleSyntax.invalid("expected '=' after label \(labelName)") }
                position += 1
                skipBlanks()
                guard position < bytes.count, bytes[position] == 0x22 else {
                    throw SampleSyntax.invalid("expected '\"' opening the value of label \(labelName)")
                }
                position += 1
                var value: [UInt8] = []
                var closed = false
                while position < bytes.count {
                    let byte = bytes[position]
                    position += 1
                    if byte == 0x22 {
                        closed = true
                        break
                    }
                    if byte == 0x5C {  // backslash
                        guard position < bytes.count else { break }
                        let escaped = bytes[position]
                        position += 1
                        switch escaped {
                        case 0x6E: value.append(0x0A)  // \n
                        case 0x5C, 0x22: value.append(escaped)
                        default: throw SampleSyntax.invalid("invalid escape '\\\(Character(UnicodeScalar(escaped)))' in label \(labelName)")
                        }
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { throw SampleSyntax.invalid("unterminated value of label \(labelName)") }
                guard labels[labelName] == nil else { throw SampleSyntax.invalid("label \(labelName) given twice") }
                labels[labelName] = String(decoding: value, as: UTF8.self)
                skipBlanks()
                guard position < bytes.count else { throw SampleSyntax.invalid("unterminated label set") }
                if bytes[position] == 0x2C {  // ,
                    position += 1
                } else if bytes[position] != 0x7D {
                    throw SampleSyntax.invalid("expected ',' or '}' after label \(labelName)")
                }
            }
        }
        skipBlanks()
        let valueText = readToken()
        guard !valueText.isEmpty else { throw SampleSyntax.invalid("missing value") }
        guard let value = Self.parseNumber(valueText) else { throw SampleSyntax.invalid("value '\(valueText)' is not a number") }
        skipBlanks()
        var timestamp: Double?
        if position < bytes.count, bytes[position] != 0x23 {  // not '#', which starts an exemplar
            let timestampText = readToken()
            guard let parsed = Self.parseNumber(timestampText) else { throw SampleSyntax.invalid("timestamp '\(timestampText)' is not a number") }
            timestamp = parsed
            skipBlanks()
        }
        if position < bytes.count, bytes[position] != 0x23 {
            throw SampleSyntax.invalid("unexpected text after the value")
        }
        return ExpositionSample(name: name, labels: labels, value: value, timestamp: timestamp)
    }

    /// A float as Go's ParseFloat reads the format: decimal, `+Inf`, `-Inf`, `NaN` (no hex).
    private static func parseNumber(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default:
            guard !text.lowercased().contains("x"), !text.lowercased().contains("n") else { return nil }
            return Double(text)
        }
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Why an exposition could not be parsed, or a lookup in it failed.
public enum ExpositionError: Error, CustomStringConvertible {
    /// Line `number` (1-based) is not a valid sample; carries the line and why.
    case malformedLine(Int, String, String)
    /// `value(of:labels:)` found `found` samples instead of one; `existing` lists the series by that name.
    case noSingleSample(name: String, labels: [String: String], found: Int, existing: [String])

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .malformedLine(let number, let line, let reason):
            return "exposition line \(number) is malformed (\(reason)): \(line)"
        case .noSingleSample(let name, let labels, let found, let existing):
            let wanted = ExpositionSample(name: name, labels: labels, value: 0).description.dropLast(" 0.0".count)
            let list = existing.isEmpty ? "no series named \(name) at all" : "series named \(name):\n  " + existing.joined(separator: "\n  ")
            return "expected exactly one sample \(wanted), found \(found); \(list)"
        }
    }
}

/// A `--where` expression ready to test records, with its regular expressions compiled.
///
/// Each worker thread compiles its own copy because `Regex` values are not `Sendable`.
/// A comparison on a field the record lacks is false, except `!=` and `!~`, which are true.
final class CompiledFilter {
    /// A node of the compiled tree.
    private indirect enum Node {
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case exists(FieldReference)
        case number(FieldReference, FilterComparison, Double)
        case statusClass(FilterComparison, Int)
        case text(FieldReference, FilterComparison, String)
        case regex(FieldReference, Regex<AnyRegexOutput>, negated: Bool)
    }

    /// The root.
    private let root: Node

    /// Compiles `expression`; its regexes were validated by the parser.
    init(_ expression: FilterExpression) {
        self.root = Self.compile(expression)
    }

    /// Builds the node for an expression.
    private static func compile(_ expression: FilterExpression) -> Node {
        switch expression {
        case .and(let left, let right): return .and(Self.compile(left), Self.compile(right))
        case .or(let left, let right): return .or(Self.compile(left), Self.compile(right))
        case .not(let inner): return .not(Self.compile(inner))
        case .exists(let field): return .exists(.known(field))
        case .number(let field, let comparison, let value): return .number(.known(field), comparison, value)
        case .statusClass(let comparison, let digit): return .statusClass(comparison, digit)
        case .text(let field, let comparison, let value):
            if comparison == .matches || comparison == .notMatches, let regex = try? Regex(value) {
                return .regex(.known(field), regex, negated: comparison == .notMatches)
            }
            return .text(.known(field), comparison, value)
        }
    }

    /// Whether `record` passes.
    func matches(_ record: ParsedRecord) -> Bool {
        Self.evaluate(self.root, record)
    }

    /// Evaluates a node with short-circuiting.
    private static func evaluate(_ node: Node, _ record: ParsedRecord) -> Bool {
        switch node {
        case .and(let left, let right):
            return Self.evaluate(left, record) && Self.evaluate(right, record)
        case .or(let left, let right):
            return Self.evaluate(left, record) || Self.evaluate(right, record)
        case .not(let inner):
            return !Self.evaluate(inner, record)
        case .exists(let field):
            return record.has(field)
        case .number(let field, let comparison, let value):
            guard record.has(field), let actual = record.number(field) else { return comparison == .notEqual }
            return comparison.holds(actual < value ? -1 : actual > value ? 1 : 0)
        case .statusClass(let comparison, let digit):
            guard record.has(.known(.status)) else { return comparison == .notEqual }
            let statusClass = record.status / 100
            return comparison.holds(statusClass < digit ? -1 : statusClass > digit ? 1 : 0)
        case .text(let field, let comparison, let value):
            guard let actual = record.string(field) else { return comparison == .notEqual }
            return comparison.holds(actual < value ? -1 : actual > value ? 1 : 0)
        case .regex(let field, let regex, let negated):
            guard let actual = record.string(field) else { return negated }
            return actual.contains(regex) != negated
        }
    }
}

/// Parses human durations (`250ms`, `1.5s`, `800us`, `2m`, `1h`) as used by `--over` and `--where`.
package enum DurationText {
    /// The duration in milliseconds; a bare number is milliseconds.
    package static func milliseconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("us", 0.001), ("µs", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return value * scale
        }
        guard let value = Double(text), value >= 0 else { return nil }
        return value
    }

    /// The duration in seconds for bucket sizes (`1m`, `30s`, `1h`); a bare number is seconds.
    package static func seconds(_ text: String) -> Double? {
        if let value = Double(text) {
            return value > 0 ? value : nil
        }
        guard let milliseconds = Self.milliseconds(text), milliseconds > 0 else { return nil }
        return milliseconds / 1000
    }
}

/// A comparison operator of a `--where` expression.
package enum FilterComparison: String, Sendable, CaseIterable {
    /// Equal (`=` or `==`).
    case equal = "=="
    /// Not equal.
    case notEqual = "!="
    /// Less than.
    case less = "<"
    /// Less than or equal.
    case lessOrEqual = "<="
    /// Greater than.
    case greater = ">"
    /// Greater than or equal.
    case greaterOrEqual = ">="
    /// Regular-expression search.
    case matches = "~"
    /// Negated regular-expression search.
    case notMatches = "!~"

    /// Whether `ordering` (-1, 0, 1 for less, equal, greater) satisfies the operator.
    func holds(_ ordering: Int) -> Bool {
        switch self {
        case .equal: ordering == 0
        case .notEqual: ordering != 0
        case .less: ordering < 0
        case .lessOrEqual: ordering <= 0
        case .greater: ordering > 0
        case .greaterOrEqual: ordering >= 0
        case .matches, .notMatches: false
        }
    }
}

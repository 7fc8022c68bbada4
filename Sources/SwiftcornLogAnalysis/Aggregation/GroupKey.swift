/// What requests are grouped by in a table.
package enum GroupKey: Sendable, Hashable, CustomStringConvertible {
    /// The value of one field (or any other JSON key); records without it group under `-`.
    case field(FieldReference)
    /// The route template when the record has one, otherwise the path: low cardinality when
    /// the app sets routes, still useful when it does not.
    case routeOrPath
    /// `status method route-or-path`, for grouping server errors.
    case errorSignature

    /// Parses a `--by` name: schema fields and aliases, `route` (route or path), or any other key.
    package static func named(_ name: String, catalog: FieldCatalog) -> GroupKey {
        if name == "route" {
            return .routeOrPath
        }
        return .field(catalog.reference(for: name))
    }

    /// A short human-readable form, for logs and messages.
    package var description: String {
        switch self {
        case .field(let field): field.name
        case .routeOrPath: "route"
        case .errorSignature: "error"
        }
    }
}

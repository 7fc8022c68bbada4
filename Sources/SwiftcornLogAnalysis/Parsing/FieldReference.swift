import SwiftcornFormat

/// A field a command or filter reads: a schema key or any other key of the JSON object.
package enum FieldReference: Hashable, Sendable, CustomStringConvertible {
    /// A key of the schema.
    case known(RecordField)
    /// Another key, looked up by name; `slot` is its index in the parser's extra-key list.
    case extra(name: String, slot: Int)

    /// The key as written in records.
    package var name: String {
        switch self {
        case .known(let field): field.key
        case .extra(let name, _): name
        }
    }

    /// Index into ``ParsedRecord``'s span table.
    var spanIndex: Int {
        switch self {
        case .known(let field): field.rawValue
        case .extra(_, let slot): RecordField.allCases.count + slot
        }
    }

    /// A short human-readable form, for logs and messages.
    package var description: String { self.name }
}

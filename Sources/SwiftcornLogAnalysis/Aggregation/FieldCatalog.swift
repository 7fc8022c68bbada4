import SwiftcornFormat

/// Assigns parser slots to the non-schema keys commands ask for, while options are being built.
package final class FieldCatalog {
    /// Non-schema keys in slot order.
    package private(set) var extraKeys: [String] = []

    /// Creates an empty catalog.
    package init() {}

    /// The reference for a key name: a schema field (or alias), or an extra key with its slot.
    package func reference(for name: String) -> FieldReference {
        if let field = RecordField(name: name) {
            return .known(field)
        }
        if let slot = self.extraKeys.firstIndex(of: name) {
            return .extra(name: name, slot: slot)
        }
        self.extraKeys.append(name)
        return .extra(name: name, slot: self.extraKeys.count - 1)
    }
}

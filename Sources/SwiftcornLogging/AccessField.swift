/// A field an application added to an access record.
public struct AccessField: Sendable, Equatable {
    /// The JSON key.
    public var key: String
    /// The value, written as a JSON string.
    public var value: String

    /// A field.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

import SwiftcornConfig

/// The sizes a request head may not exceed, as gunicorn's `limit_request_*` settings name them.
struct RequestHeadLimits: Sendable {
    /// The longest request line, without its CRLF; longer gets 414.
    var requestLine: Int
    /// The most header fields; more gets 431.
    var fields: Int
    /// The longest field, counted as `name: value`; longer gets 431.
    var fieldSize: Int

    /// A field line carries optional whitespace that the field's measure does not count: a
    /// line this much longer than ``fieldSize`` is refused before its end arrives.
    static let whitespaceAllowance = 64
}

extension RequestHeadLimits {
    /// The limits `configuration` sets.
    init(_ configuration: ServerConfiguration) {
        self.requestLine = configuration.limitRequestLine
        self.fields = configuration.limitRequestFields
        self.fieldSize = configuration.limitRequestFieldSize
    }
}

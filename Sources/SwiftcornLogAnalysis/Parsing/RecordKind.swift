/// What a line held once parsed.
package enum RecordKind: Sendable {
    /// An access record (`"event":"access"`, or a text line in combined format).
    case access
    /// An application/error log record (`"event":"log"`).
    case log
    /// Any other well-formed record; counted but not analysed.
    case other
}

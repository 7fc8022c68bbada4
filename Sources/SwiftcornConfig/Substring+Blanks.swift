extension Substring {
    /// Without the spaces at either end.
    func trimmingSpaces() -> Substring {
        var trimmed = self
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return trimmed
    }

    /// Without the spaces and tabs at the end.
    func droppingTrailingBlanks() -> Substring {
        var trimmed = self
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}

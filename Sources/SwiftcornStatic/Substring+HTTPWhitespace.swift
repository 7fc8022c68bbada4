extension Substring {
    /// The substring without leading and trailing spaces and tabs, HTTP's optional whitespace (RFC 9110 §5.6.3).
    func trimmingHTTPWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = self.firstIndex(where: { !isWhitespace($0) }),
            let end = self.lastIndex(where: { !isWhitespace($0) })
        else { return self[self.endIndex...] }
        return self[start...end]
    }
}

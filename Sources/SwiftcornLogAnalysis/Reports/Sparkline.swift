/// Unicode block sparklines for terminal output.
enum Sparkline {
    /// The eight block heights.
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled to the largest.
    static func render(_ values: [Double]) -> String {
        let largest = values.max() ?? 0
        guard largest > 0 else { return String(repeating: Self.levels[0], count: values.count) }
        return String(values.map { Self.levels[min(7, Int(($0 / largest * 7).rounded()))] })
    }
}

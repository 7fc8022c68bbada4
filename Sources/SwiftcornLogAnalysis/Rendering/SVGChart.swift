/// Small inline SVG charts for the HTML report: no scripts, no external resources.
enum SVGChart {
    /// One line of a chart.
    struct Series {
        /// Legend text.
        var name: String
        /// Stroke colour.
        var color: String
        /// One value per bucket.
        var values: [Double]
    }

    /// Chart size in SVG units.
    static let width = 900.0
    /// Chart height.
    static let height = 220.0
    /// Room for axis labels.
    static let margin = 50.0

    /// A line chart of `series` over buckets, x labels `start`/`end`, y labels from `format`.
    static func lines(_ series: [Series], start: String, end: String, format: (Double) -> String) -> String {
        let count = series.map(\.values.count).max() ?? 0
        let top = max(series.flatMap(\.values).max() ?? 0, 1)
        let plotWidth = Self.width - 2 * Self.margin
        let plotHeight = Self.height - 2 * Self.margin + 20
        func x(_ index: Int) -> Double {
            count <= 1 ? Self.margin : Self.margin + plotWidth * Double(index) / Double(count - 1)
        }
        func y(_ value: Double) -> Double { Self.margin - 20 + plotHeight * (1 - value / top) }
        var svg = "<svg viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" fill=\"#fff\"/>"
        for fraction in [0.0, 0.5, 1.0] {
            let lineY = NumberText.fixed(y(top * fraction), decimals: 1)
            svg += "<line x1=\"\(Int(Self.margin))\" x2=\"\(Int(Self.width - Self.margin))\" y1=\"\(lineY)\" y2=\"\(lineY)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(Int(Self.margin - 4))\" y=\"\(lineY)\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">"
            svg += HTMLText.escape(format(top * fraction)) + "</text>"
        }
        let baseline = Int(Self.height - Self.margin + 16)
        svg += "<text x=\"\(Int(Self.margin))\" y=\"\(baseline)\" font-size=\"11\" fill=\"#555\">\(HTMLText.escape(start))</text>"
        svg += "<text x=\"\(Int(Self.width - Self.margin))\" y=\"\(baseline)\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">"
        svg += HTMLText.escape(end) + "</text>"
        for (index, line) in series.enumerated() {
            let points = line.values.enumerated().map {
                "\(NumberText.fixed(x($0.offset), decimals: 1)),\(NumberText.fixed(y($0.element), decimals: 1))"
            }
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            let legendX = Int(Self.margin) + 150 * index
            svg += "<rect x=\"\(legendX)\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(line.color)\"/>"
            svg += "<text x=\"\(legendX + 16)\" y=\"16\" font-size=\"12\">\(HTMLText.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// A horizontal stacked bar of shares with a legend.
    static func stackedBar(_ parts: [(name: String, color: String, count: Int)]) -> String {
        let total = max(parts.reduce(0) { $0 + $1.count }, 1)
        var svg = "<svg viewBox=\"0 0 \(Int(Self.width)) 60\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        var offset = 0.0
        for (index, part) in parts.enumerated() {
            let share = Double(part.count) / Double(total)
            let partWidth = share * Self.width
            svg +=
                "<rect x=\"\(NumberText.fixed(offset, decimals: 1))\" y=\"0\" width=\"\(NumberText.fixed(partWidth, decimals: 1))\" height=\"28\" fill=\"\(part.color)\"/>"
            offset += partWidth
            let legendX = 160 * index
            svg += "<rect x=\"\(legendX)\" y=\"40\" width=\"12\" height=\"12\" fill=\"\(part.color)\"/>"
            svg += "<text x=\"\(legendX + 16)\" y=\"50\" font-size=\"12\">\(HTMLText.escape(part.name)) \(part.count) ("
            svg += NumberText.fixed(share * 100, decimals: 1) + "%)</text>"
        }
        return svg + "</svg>"
    }
}

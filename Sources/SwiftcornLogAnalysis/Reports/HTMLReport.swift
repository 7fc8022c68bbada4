/// `report --html`: one self-contained HTML file (inline CSS and SVG, no scripts or fetches) with
/// requests and errors over time, latency percentiles over time, the status mix, and the top tables.
package enum HTMLReport {
    /// Adds what the report needs to `options`: summary and errors groupings and a timeline.
    package static func configure(_ options: inout AnalysisOptions, bucket: Int64) {
        SummaryReport.configure(&options)
        ErrorsReport.configure(&options)
        options.timelineBucket = bucket
    }

    /// The HTML document.
    package static func render(_ aggregate: Aggregate, bucket: Int64, title: String = "swiftcorn-logs report") -> String {
        let summary = SummaryReport.build(aggregate)
        let errors = ErrorsReport.build(aggregate, limit: 20)
        var body = "<h1>\(HTMLText.escape(title))</h1>"
        body += "<p class=\"muted\">\(aggregate.requests) requests"
        if aggregate.requests > 0 {
            body +=
                " from \(Timestamp.format(aggregate.firstTimestamp, fractional: false)) to \(Timestamp.format(aggregate.lastTimestamp, fractional: false))"
        }
        body += "; \(NumberText.interval(bucket)) buckets; percentiles within 1% per bucket, 0.1% overall.</p>"
        body += Self.charts(aggregate, bucket: bucket)
        for section in summary.sections + errors.sections.dropFirst() {
            body += Self.table(section)
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}.muted{color:#666}
            table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}svg{width:100%;height:auto;border:1px solid #eee}
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    /// The three charts.
    private static func charts(_ aggregate: Aggregate, bucket: Int64) -> String {
        let report = TimelineReport.build(aggregate, width: bucket)
        let rows = report.section("timeline")?.rows ?? []
        func column(_ index: Int) -> [Double] {
            rows.map { row in
                switch row[index] {
                case .integer(let value): Double(value)
                case .duration(let value): Double(value)
                default: 0
                }
            }
        }
        let buckets = aggregate.timeline.keys.sorted()
        var indices = buckets
        if let first = buckets.first, let last = buckets.last, last - first < Int64(TimelineReport.maxFilledBuckets) {
            indices = Array(first...last)
        }
        let p90 = indices.map { Double(aggregate.timeline[$0]?.latency.percentile(90) ?? 0) }
        let start = rows.first.map { TableRenderer.cell($0[0]) } ?? ""
        let end = rows.last.map { TableRenderer.cell($0[0]) } ?? ""
        var html = "<h2>Requests and errors over time</h2>"
        html += SVGChart.lines(
            [.init(name: "requests", color: "#3366cc", values: column(1)), .init(name: "5xx", color: "#dc3912", values: column(3))],
            start: start,
            end: end,
            format: { NumberText.fixed($0, decimals: 0) }
        )
        html += "<h2>Latency percentiles over time</h2>"
        html += SVGChart.lines(
            [
                .init(name: "p50", color: "#109618", values: column(6)), .init(name: "p90", color: "#ff9900", values: p90),
                .init(name: "p99", color: "#990099", values: column(7)),
            ],
            start: start,
            end: end,
            format: { NumberText.humanDuration(Int64($0)) }
        )
        html += "<h2>Status mix</h2>"
        let colors = ["#999999", "#109618", "#3366cc", "#ff9900", "#dc3912"]
        html += SVGChart.stackedBar(
            (1...5).map { digit in
                ("\(digit)xx", colors[digit - 1], aggregate.statusCounts[(digit * 100)..<(digit * 100 + 100)].reduce(0, +))
            }
        )
        return html
    }

    /// A report section as an HTML table.
    private static func table(_ section: ReportSection) -> String {
        var html = "<h2>\(HTMLText.escape(section.title))</h2>"
        switch section.content {
        case .fields(let fields):
            html += "<table>"
            for field in fields {
                html += "<tr><th>\(HTMLText.escape(field.name))</th><td class=\"n\">\(HTMLText.escape(TableRenderer.cell(field.value)))</td></tr>"
            }
            html += "</table>"
        case .table(let columns, let rows):
            guard !rows.isEmpty else { return html + "<p class=\"muted\">(none)</p>" }
            html += "<table><tr>" + columns.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>"
            for row in rows {
                html += "<tr>"
                html += row.map { "<td\($0.isNumeric ? " class=\"n\"" : "")>\(HTMLText.escape(TableRenderer.cell($0)))</td>" }.joined()
                html += "</tr>"
            }
            html += "</table>"
        case .chart:
            return ""
        }
        return html
    }
}

/// Escaping for HTML text and attribute values.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}

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

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

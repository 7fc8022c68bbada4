import Foundation
import Testing

@testable import SwiftcornLogAnalysis

/// Output formats: valid JSON, RFC 4180 CSV, aligned tables, and a self-contained HTML report.
@Suite struct RenderingTests {
    let report = Report(
        command: "test",
        sections: [
            ReportSection(name: "overview", title: "Overview", content: .fields([("requests", .integer(3)), ("p99", .duration(12_345))])),
            ReportSection(
                name: "rows",
                title: "Rows",
                content: .table(
                    columns: ["key", "count", "share"],
                    rows: [[.text("a,\"b\"\n"), .integer(2), .ratio(0.5)], [.text("ü"), .integer(1), .none]]
                )
            ),
            ReportSection(name: "chart", title: "Chart", content: .chart(["▁█"])),
        ]
    )

    @Test func jsonIsValidAndTyped() throws {
        let text = ReportFormat.json.render(self.report)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let overview = object?["overview"] as? [String: Any]
        #expect(overview?["p99"] as? Double == 12.345)
        let rows = object?["rows"] as? [[String: Any]]
        #expect(rows?.first?["key"] as? String == "a,\"b\"\n")
        #expect(rows?.last?["share"] is NSNull)
        #expect(object?["chart"] == nil)
    }

    /// Values are escaped as the server's log lines are: DEL and U+2028/9 too, which a
    /// JavaScript reader of the output would otherwise take for a control or a line break.
    @Test func jsonEscapesAsTheServerWrites() {
        #expect(JSONRenderer.string("a\u{7F}\u{2028}\u{2029}\u{1}\"\\é") == #""a\u007f\u2028\u2029\u0001\"\\é""#)
        #expect(JSONRenderer.value(.duration(-1)) == "-0.001")
        #expect(JSONRenderer.value(.number(-0.0004, decimals: 3)) == "0.000", "no negative zero")
    }

    @Test func csvQuotesAndSections() {
        let text = ReportFormat.csv.render(self.report)
        #expect(text.contains("# rows\nkey,count,share\n\"a,\"\"b\"\"\n\",2,0.500000\nü,1,\n"))
        #expect(text.contains("# overview\nfield,value\nrequests,3\np99,12.345\n"))
    }

    @Test func tableAlignsAndShowsCharts() {
        let text = ReportFormat.table.render(self.report)
        #expect(text.contains("  p99:      12.3ms"))
        #expect(text.contains("  key     count   share\n  a,\"b\"·      2  50.00%\n  ü           1       -"))
        #expect(text.contains("  ▁█"))
    }

    @Test func htmlReportIsSelfContained() {
        var options = AnalysisOptions()
        HTMLReport.configure(&options, bucket: 60_000_000)
        var fixture = AccessLogFixture(count: 1200)
        fixture.lines.append(#"{"ts":"2026-11-28T10:00:00Z","level":"error","event":"log","message":"<script>alert(1)</script>"}"#)
        let aggregate = Analyzer(options: options).run([.bytes(fixture.bytes, name: "fixture")])
        let html = HTMLReport.render(aggregate, bucket: 60_000_000)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.components(separatedBy: "<polyline").count - 1 == 5)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(html.contains("/api/items/:id"))
    }
}

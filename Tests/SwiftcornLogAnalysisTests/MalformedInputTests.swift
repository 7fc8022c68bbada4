import Foundation
import Testing

@testable import SwiftcornLogAnalysis

/// Bad input is counted per kind, reported with file:line, and the rest analysed.
@Suite struct MalformedInputTests {
    /// A good record at second `second`.
    static func good(_ second: Int, status: Int = 200) -> String {
        "{\"ts\":\"2026-11-28T10:00:\(second < 10 ? "0" : "")\(second).000000Z\",\"level\":\"info\",\"event\":\"access\",\"method\":\"GET\","
            + "\"path\":\"/\",\"query\":\"\",\"status\":\(status),\"duration_ms\":1.500,\"bytes_in\":0,\"bytes_out\":10}"
    }

    @Test func mixedFileCountsEachKindAndKeepsTheRest() throws {
        var lines: [[UInt8]] = []
        lines.append(Array(Self.good(1).utf8))  // 1
        lines.append(Array(String(Self.good(2).dropLast(20)).utf8))  // 2 truncated
        lines.append(Array("{\"ts\": nope}".utf8))  // 3 invalid JSON
        lines.append(Array(Self.good(3).utf8).map { $0 == UInt8(ascii: "/") ? 0xFF : $0 })  // 4 invalid UTF-8
        lines.append(Array("{\"ts\":\"2026-11-28T10:00:04Z\",\"event\":\"access\",\"status\":200}".utf8))  // 5 missing duration_ms
        lines.append(Array(Self.good(5).replacingStatus("\"200\"").utf8))  // 6 wrong type
        lines.append([])  // 7 blank: ignored
        lines.append(Array(Self.good(6).utf8))  // 8
        lines.append(Array("not a log line at all".utf8))  // 9 invalid
        lines.append(Array("{\"ts\":\"yesterday\",\"event\":\"access\",\"status\":200,\"duration_ms\":1}".utf8))  // 10 wrong type (ts)
        lines.append(Array(Self.good(7, status: 503).utf8))  // 11
        var bytes: [UInt8] = []
        for line in lines {
            bytes += line + [0x0A]
        }
        let directory = try TemporaryFiles.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mixed = try TemporaryFiles.write(bytes, "mixed.log", in: directory)
        let empty = try TemporaryFiles.write([], "empty.log", in: directory)
        let missing = directory.appendingPathComponent("missing.log").path
        var options = AnalysisOptions()
        options.sampleLimit = 3
        let aggregate = Analyzer(options: options).run([.file(mixed.path), .file(empty.path), .file(missing)])
        #expect(aggregate.requests == 3)
        #expect(aggregate.statusCounts[503] == 1)
        let diagnostics = aggregate.diagnostics
        #expect(diagnostics.count(.truncated) == 1)
        #expect(diagnostics.count(.invalidJSON) == 2)
        #expect(diagnostics.count(.invalidUTF8) == 1)
        #expect(diagnostics.count(.missingKey) == 1)
        #expect(diagnostics.count(.wrongType) == 2)
        #expect(diagnostics.count(.emptyFile) == 1)
        #expect(diagnostics.count(.unreadableFile) == 1)
        #expect(diagnostics.samples.map(\.line) == [2, 3, 4])
        #expect(diagnostics.samples.first?.description.hasPrefix("\(mixed.path):2: truncated line") == true)
    }

    @Test func megabyteLinesAreSkippedAcrossBlocks() {
        var options = AnalysisOptions()
        options.maxLineBytes = 4096
        var bytes = Array((Self.good(1) + "\n").utf8)
        // One line longer than a whole 4 MiB block, one over the limit but inside a block.
        bytes += Array("{\"ts\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20) + [0x0A]
        bytes += Array((Self.good(2) + "\n").utf8)
        bytes += Array("{\"path\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 10_000) + Array("\"}\n".utf8)
        bytes += Array((Self.good(3) + "\n").utf8)
        let aggregate = Analyzer(options: options).run([.bytes(bytes, name: "long")])
        #expect(aggregate.requests == 3)
        #expect(aggregate.diagnostics.count(.lineTooLong) == 2)
        #expect(aggregate.diagnostics.samples.map(\.line) == [2, 4])
    }

    @Test func corruptGzipIsReportedAndWhatWasReadIsKept() throws {
        let good = Array((0..<2000).map { Self.good($0 % 60) + "\n" }.joined().utf8)
        var compressed = try TemporaryFiles.gzip(good)
        compressed.removeLast(compressed.count / 3)
        let aggregate = Analyzer(options: AnalysisOptions()).run([.bytes(compressed, name: "cut.gz")])
        #expect(aggregate.diagnostics.count(.unreadableFile) == 1)
        #expect(aggregate.requests > 0)
        #expect(aggregate.requests < 2000)
    }

    @Test func nothingReadableMeansNoRecords() {
        let aggregate = Analyzer(options: AnalysisOptions()).run([.bytes(Array("garbage\n{\n".utf8), name: "bad")])
        #expect(aggregate.requests == 0)
        #expect(aggregate.diagnostics.total == 2)
    }
}

extension String {
    /// The record with its status value replaced by `value`.
    fileprivate func replacingStatus(_ value: String) -> String {
        self.split(separator: "\"status\":200", omittingEmptySubsequences: false).joined(separator: "\"status\":\(value)")
    }
}

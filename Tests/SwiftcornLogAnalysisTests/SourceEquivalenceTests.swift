import Foundation
import Testing

@testable import SwiftcornLogAnalysis

/// The same records give the same answers from memory, a file, a gzip file and a rotated set.
@Suite struct SourceEquivalenceTests {
    let fixture = AccessLogFixture()

    /// Summary and timeline of `sources` as JSON, the comparison fingerprint.
    func fingerprint(_ sources: [InputSource], workers: Int = 0) -> String {
        var options = AnalysisOptions()
        SummaryReport.configure(&options)
        options.timelineBucket = 60_000_000
        options.workers = workers
        let aggregate = Analyzer(options: options).run(RotationOrder.sorted(sources))
        return ReportFormat.json.render(SummaryReport.build(aggregate)) + ReportFormat.json.render(TimelineReport.build(aggregate, width: 60_000_000))
    }

    @Test func fileGzipAndMemoryAgree() throws {
        let directory = try TemporaryFiles.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = self.fixture.bytes
        let plain = try TemporaryFiles.write(bytes, "access.log", in: directory)
        let compressed = try TemporaryFiles.write(try TemporaryFiles.gzip(bytes), "access.log.1", in: directory)
        let reference = self.fingerprint([.bytes(bytes, name: "memory")])
        #expect(reference.contains("\"requests\":6000"))
        #expect(self.fingerprint([.file(plain.path)]) == reference)
        #expect(self.fingerprint([.file(compressed.path)]) == reference)
        #expect(self.fingerprint([.file(plain.path)], workers: 1) == reference)
    }

    @Test func rotatedSetIsReadOldestFirstAndAgrees() throws {
        let directory = try TemporaryFiles.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = self.fixture.lines
        let thirds = [lines[0..<2000], lines[2000..<4000], lines[4000...]].map { Array(($0.joined(separator: "\n") + "\n").utf8) }
        // Rotation numbers count backwards in time: .2.gz is the oldest.
        let oldest = try TemporaryFiles.write(try TemporaryFiles.gzip(thirds[0]), "access.log.2.gz", in: directory)
        let middle = try TemporaryFiles.write(thirds[1], "access.log.1", in: directory)
        let newest = try TemporaryFiles.write(thirds[2], "access.log", in: directory)
        let sources: [InputSource] = [.file(newest.path), .file(middle.path), .file(oldest.path)]
        #expect(RotationOrder.sorted(sources) == [.file(oldest.path), .file(middle.path), .file(newest.path)])
        #expect(self.fingerprint(sources) == self.fingerprint([.bytes(self.fixture.bytes, name: "memory")]))
    }

    @Test func blocksSplitAcrossLinesLoseNothing() throws {
        // More than one 4 MiB block, so lines straddle block boundaries.
        var bytes: [UInt8] = []
        let copies = 4_200_000 / self.fixture.bytes.count + 1
        for _ in 0..<copies {
            bytes += self.fixture.bytes
        }
        let aggregate = Analyzer(options: AnalysisOptions()).run([.bytes(bytes, name: "big")])
        #expect(aggregate.requests == 6000 * copies)
        #expect(aggregate.diagnostics.total == 0)
    }
}

import Foundation
import Testing

@testable import SwiftcornLogAnalysis

/// Records written into the real journald read back through sd-journal give the file's answers.
@Suite struct JournalSourceTests {
    /// Whether a journald accepts stream connections here: its socket file outlives a journald
    /// that died, so only a connection tells.
    static var journaldRunning: Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array("/run/systemd/journal/stdout".utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0
    }

    struct SendFailure: Error {
        let status: Int32
    }

    /// Sends `lines` to journald as MESSAGEs with `identifier`, through systemd-cat.
    static func send(_ lines: [String], identifier: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-cat")
        process.arguments = ["-t", identifier]
        let input = Pipe()
        process.standardInput = input
        // A systemd-cat that exits early must fail the test, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SendFailure(status: process.terminationStatus) }
    }

    @Test(.enabled(if: JournalSourceTests.journaldRunning)) func journalMatchesFileResults() throws {
        // Small enough to stay under journald's default rate limit (10,000 per 30 s).
        let fixture = AccessLogFixture(count: 2000)
        let identifier = "swiftcorn-logs-test-\(UInt32.random(in: 0...UInt32.max))"
        try Self.send(fixture.lines, identifier: identifier)
        var query = JournalQuery()
        query.identifiers = [identifier]
        query.includeHostname = true
        query.reopenInterval = 300  // exercise reopening at the cursor several times
        var options = AnalysisOptions()
        SummaryReport.configure(&options)
        ErrorsReport.configure(&options)
        let catalog = FieldCatalog()
        let hostname = GroupKey.named("hostname", catalog: catalog)
        options.groupings.append(TopReport.grouping(hostname))
        options.extraKeys = catalog.extraKeys
        var fromJournal = Analyzer(options: options).run([.journal(query)])
        for _ in 0..<100 where fromJournal.requests < 2000 {
            Thread.sleep(forTimeInterval: 0.1)  // journald may still be writing the last entries
            fromJournal = Analyzer(options: options).run([.journal(query)])
        }
        let fromBytes = Analyzer(options: options).run([.bytes(fixture.bytes, name: "memory")])
        #expect(fromJournal.requests == 2000)
        #expect(fromJournal.diagnostics.total == 0)
        #expect(ReportFormat.json.render(SummaryReport.build(fromJournal)) == ReportFormat.json.render(SummaryReport.build(fromBytes)))
        #expect(
            ReportFormat.json.render(ErrorsReport.build(fromJournal, limit: 10)) == ReportFormat.json.render(ErrorsReport.build(fromBytes, limit: 10))
        )
        let hosts = fromJournal.table(for: TopReport.grouping(hostname))?.entries ?? []
        #expect(hosts.count == 1)
        #expect(hosts.first?.key != "-")
        // Each bound alone: entries are stamped now, so all are after `since` and none before 2000.
        var since = query
        since.since = AccessLogFixture.start
        #expect(Analyzer(options: options).run([.journal(since)]).requests == fromBytes.requests)
        var until = query
        until.until = Timestamp.parse("2000-01-01T00:00:00Z")
        #expect(Analyzer(options: options).run([.journal(until)]).requests == 0)
    }

    @Test(.enabled(if: JournalSourceTests.journaldRunning)) func followPrintsReportsAsEntriesArrive() throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else {
            Issue.record("swiftcorn-logs binary not found at \(CommandLineTests.binary)")
            return
        }
        let identifier = "swiftcorn-logs-follow-\(UInt32.random(in: 0...UInt32.max))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = [
            "summary", "--journal", "--identifier", identifier, "--follow", "--interval", "500ms", "--follow-for", "3s", "--format", "json",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        Thread.sleep(forTimeInterval: 0.8)
        try Self.send(AccessLogFixture(count: 300).lines, identifier: identifier)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let reports = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(process.terminationStatus == 0)
        #expect(reports.count >= 3)
        #expect(reports.first?.contains("\"requests\":0,") == true)
        #expect(reports.last?.contains("\"requests\":300,") == true)
    }

    @Test func relativeAndAbsoluteTimes() {
        let now: Int64 = 1_795_860_000_000_000
        #expect(JournalQuery.time("-1h", now: now) == now - 3_600_000_000)
        #expect(JournalQuery.time("-90s", now: now) == now - 90_000_000)
        #expect(JournalQuery.time("2026-11-28T10:00:00Z", now: 0) == now)
        #expect(JournalQuery.time("2026-11-28", now: 0) == now - 10 * 3_600_000_000)
        #expect(JournalQuery.time("yesterday-ish", now: now) == nil)
    }
}

import Foundation
import SwiftcornTestKit
import Testing

@testable import SwiftcornLogging

/// The native-protocol sink against the machine's real journald (`make test` starts one).
@Suite("journald sink: the native protocol", .serialized)
struct JournalSinkTests {
    static func event(_ message: String, metadata: [(key: String, value: String)]) -> EventRecord {
        EventRecord(
            timestampMicroseconds: WallClock.microseconds(),
            level: "error",
            logger: "test",
            message: message,
            worker: 3,
            pid: getpid(),
            file: "Sources/Test/File.swift",
            line: 42,
            function: "f()",
            metadata: metadata
        )
    }

    static func sink(_ identifier: String) -> JournalSink {
        JournalSink(identifier: identifier) { errno in Issue.record("journald refused: errno \(errno)") }
    }

    @Test("a value holding newlines arrives whole, in its field, and forges nothing")
    func multiLineValueArrivesWhole() throws {
        let identifier = Journal.uniqueIdentifier("swiftcorn-native")
        let value = "line one\nFORGED=yes\nPRIORITY=0\n"
        let sink = Self.sink(identifier)
        defer { sink.close() }
        sink.write([.event(Self.event("multi-line", metadata: [("detail", value)]))])
        var entries: [[String: Any]] = []
        try Poll.until("the entry", timeout: .seconds(10)) {
            entries = try Journal.entries(identifier: identifier)
            return !entries.isEmpty
        }
        #expect(entries.count == 1)
        #expect(entries.first?["DETAIL"] as? String == value)
        #expect(entries.first?["PRIORITY"] as? String == "3")
        #expect(entries.first?["CODE_LINE"] as? String == "42")
        #expect(entries.first?["FORGED"] == nil)
        let message = try #require(entries.first?["MESSAGE"] as? String)
        #expect(message.hasPrefix("{\"ts\":") && message.hasSuffix("}") && !message.contains("\n"))
    }

    // It checks arrival, not the route: at 9 MB the datagram send fails with EMSGSIZE (the send
    // buffer is at most 8 MiB), so the sink's libsystemd (memfd) path is the one that can deliver it.
    @Test("an entry larger than the socket's send buffer still arrives")
    func oversizedEntryArrives() throws {
        let identifier = Journal.uniqueIdentifier("swiftcorn-large")
        let sink = Self.sink(identifier)
        defer { sink.close() }
        let large = String(repeating: "x", count: 9_000_000)  // over the 8 MiB send buffer: EMSGSIZE
        sink.write([.event(Self.event("large", metadata: [("payload", large)])), .event(Self.event("after", metadata: []))])
        var entries: [[String: Any]] = []
        try Poll.until("both entries", timeout: .seconds(10)) {
            entries = try Journal.entries(identifier: identifier)
            return entries.count == 2
        }
        #expect((entries.first?["PAYLOAD"] as? String)?.utf8.count == large.utf8.count)
        #expect(sink.fallbackRecords == 0)
    }

    // journald's queue holds 10 datagrams here (512 where systemd set the sysctl); 2000 records
    // fill it either way, so the sink must wait for room rather than fail or fall back.
    @Test(
        "records sent while journald is stopped wait for room and all arrive",
        .enabled(if: !Journal.isManagedBySystemd, "stops journald, which systemd runs here")
    )
    func stalledJournaldLosesNothing() throws {
        let daemon = try #require(Journal.daemonPID)
        let identifier = Journal.uniqueIdentifier("swiftcorn-stall")
        // Used by the writer thread, then by this one once the writer signalled it is done.
        nonisolated(unsafe) let sink = Self.sink(identifier)
        defer { sink.close() }
        let count = 2000
        let records = (1...count).map { LogEntry.event(Self.event("record \($0)", metadata: [])) }
        kill(daemon, SIGSTOP)
        defer { kill(daemon, SIGCONT) }
        let sent = DispatchSemaphore(value: 0)
        let writer = Thread {
            sink.write(records)
            sent.signal()
        }
        writer.start()
        // The writer is still waiting for room while journald stands still.
        #expect(sent.wait(timeout: .now() + .milliseconds(300)) == .timedOut)
        kill(daemon, SIGCONT)
        #expect(sent.wait(timeout: .now() + .seconds(30)) == .success)
        var entries: [[String: Any]] = []
        try Poll.until("all \(count) entries", timeout: .seconds(30)) {
            entries = try Journal.entries(identifier: identifier)
            return entries.count >= count
        }
        #expect(entries.count == count)
        #expect(sink.fallbackRecords == 0)
    }
}

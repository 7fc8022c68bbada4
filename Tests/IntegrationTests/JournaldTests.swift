import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs only where a journald is running; `make test` starts one when the machine has none.
@Suite("journald sink", .serialized, .enabled(if: Journal.daemonPID != nil))
struct JournaldTests {
    @Test func everyRequestLandsOnceWithIndexedFields() throws {
        let identifier = Journal.uniqueIdentifier("swiftcorn-test")
        let server = try TestServer.start([
            "-w", "2", "--access-logfile", "journald", "--error-logfile", "journald", "--journal-identifier", identifier,
        ])
        defer { server.stop() }
        var seen: [String: Int] = [:]
        let statuses = [200, 404, 500, 500, 201]
        for round in 0..<50 {
            let connection = try HTTPTestConnection(port: server.port)
            let response = try connection.request("GET", "/status/\(statuses[round % 5])", headers: [("User-Agent", "journal-test")])
            seen[try #require(response.header("x-request-id"))] = response.status
        }
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        var entries: [[String: Any]] = []
        try Poll.until("50 access entries in the journal", timeout: .seconds(10)) {
            entries = try Journal.entries(identifier: identifier, matches: ["SWIFTCORN_EVENT=access", "USER_AGENT=journal-test"])
            return entries.count >= 50
        }
        #expect(entries.count == 50)
        for entry in entries {
            let id = try #require(entry["REQUEST_ID"] as? String)
            #expect(entry["HTTP_STATUS"] as? String == seen[id].map(String.init))
            #expect(entry["PRIORITY"] as? String == "6")
            #expect(entry["HTTP_ROUTE"] as? String == "/status/:code")
            let message = try #require(entry["MESSAGE"] as? String)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])
            #expect(object["request_id"] as? String == id)
            #expect(object["status"] as? Int == seen[id])
        }
        let errors = try Journal.entries(identifier: identifier, matches: ["HTTP_STATUS=500", "USER_AGENT=journal-test"])
        #expect(errors.count == seen.values.filter { $0 == 500 }.count)
        let events = try Journal.entries(identifier: identifier, matches: ["SWIFTCORN_EVENT=log"])
        #expect(events.contains { ($0["MESSAGE"] as? String)?.contains("\"message\":\"master started\"") == true })
        #expect(events.allSatisfy { $0["CODE_FILE"] != nil && $0["CODE_LINE"] != nil })
    }

    @Test func hostileHeadersCannotForgeFields() throws {
        let identifier = Journal.uniqueIdentifier("swiftcorn-forge")
        let server = try TestServer.start(["-w", "1", "--access-logfile", "journald", "--journal-identifier", identifier])
        defer { server.stop() }
        // Bytes a client can put in a header value: quotes, an escaped newline lookalike, U+2028 and a would-be field.
        let agent = "x\" HTTP_STATUS=200 \u{2028}PRIORITY=0 \\n REQUEST_ID=forged"
        let response = try HTTPTestConnection(port: server.port).request("GET", "/status/500", headers: [("User-Agent", agent)])
        #expect(response.status == 500)
        server.signal(SIGTERM)
        _ = try server.waitForExit()
        var entries: [[String: Any]] = []
        let id = try #require(response.header("x-request-id"))
        try Poll.until("the entry", timeout: .seconds(10)) {
            entries = try Journal.entries(identifier: identifier, matches: ["SWIFTCORN_EVENT=access", "REQUEST_ID=\(id)"])
            return !entries.isEmpty
        }
        #expect(entries.count == 1)
        #expect(entries.first?["HTTP_STATUS"] as? String == "500")
        #expect(entries.first?["PRIORITY"] as? String == "6")
        #expect(entries.first?["USER_AGENT"] as? String == agent)
        // No entry of this run carries a value the header tried to smuggle in as a field.
        #expect(try Journal.entries(identifier: identifier, matches: ["REQUEST_ID=forged"]).isEmpty)
        #expect(try Journal.entries(identifier: identifier, matches: ["PRIORITY=0"]).isEmpty)
    }
}

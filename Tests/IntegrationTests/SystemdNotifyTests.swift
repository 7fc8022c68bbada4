import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("systemd notification", .serialized)
struct SystemdNotifyTests {
    @Test func readyReloadingStoppingAndWatchdogInOrder() throws {
        let notify = try NotifySocket()
        var messages: [String] = []
        let server = try TestServer.start(
            ["-w", "2", "--access-logfile", "none"],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"]
        )
        defer { server.stop() }
        try Poll.until("READY=1 and a watchdog ping", timeout: .seconds(15)) {
            messages += notify.drain()
            return messages.contains("READY=1") && messages.contains("WATCHDOG=1")
        }
        #expect(messages.contains { $0.hasPrefix("STATUS=") })
        server.signal(SIGHUP)
        try Poll.until("RELOADING=1 then READY=1", timeout: .seconds(15)) {
            messages += notify.drain()
            guard let reloading = messages.firstIndex(where: { $0.hasPrefix("RELOADING=1") }) else { return false }
            return messages[reloading...].contains("READY=1")
        }
        let reloading = try #require(messages.first { $0.hasPrefix("RELOADING=1") })
        #expect(reloading.contains("\nMONOTONIC_USEC="))
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        messages += notify.drain()
        let ready = try #require(messages.firstIndex(of: "READY=1"))
        let reload = try #require(messages.firstIndex { $0.hasPrefix("RELOADING=1") })
        let stopping = try #require(messages.firstIndex(of: "STOPPING=1"))
        #expect(ready < reload && reload < stopping)
        // Workers never talk to systemd: every message came from the master.
        #expect(messages.filter { $0 == "READY=1" }.count == 2)
    }
}

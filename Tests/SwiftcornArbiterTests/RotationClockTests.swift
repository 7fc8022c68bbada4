import Foundation
import SwiftcornConfig
import SwiftcornTime
import Testing

@testable import SwiftcornArbiter

#if canImport(Glibc)
import Glibc
#endif

/// Time rotation in UTC and in local time, and the names of dated files.
@Suite("Rotation clock and dated names", .serialized)
struct RotationClockTests {
    static func seconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        CivilCalendar.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Runs `body` with the local time zone set to the POSIX rule `zone`.
    static func inZone(_ zone: String, _ body: () throws -> Void) rethrows {
        let previous = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", zone, 1)
        tzset()
        defer {
            if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
            tzset()
        }
        try body()
    }

    @Test func utcBoundaries() {
        let clock = RotationClock(local: false)
        #expect(clock.boundary(after: Self.seconds(2026, 11, 28, 13, 20), interval: .hourly) == Self.seconds(2026, 11, 28, 14))
        #expect(clock.boundary(after: Self.seconds(2026, 11, 28, 13, 20), interval: .daily) == Self.seconds(2026, 11, 29, 0))
        #expect(clock.boundary(after: Self.seconds(2026, 11, 28, 13, 20), interval: .none) == nil)
    }

    @Test func localBoundariesFollowTheOffset() {
        // UTC+05:30, no daylight saving time.
        Self.inZone("IST-5:30") {
            let clock = RotationClock(local: true)
            // 20:00 UTC is 01:30 on the 29th there: the next local midnight is the 30th's.
            #expect(clock.boundary(after: Self.seconds(2026, 11, 28, 20), interval: .daily) == Self.seconds(2026, 11, 29, 18, 30))
            #expect(clock.boundary(after: Self.seconds(2026, 11, 28, 20, 10), interval: .hourly) == Self.seconds(2026, 11, 28, 20, 30))
        }
    }

    @Test func localBoundariesAcrossDaylightSavingTime() {
        Self.inZone("CET-1CEST,M3.5.0,M10.5.0/3") {
            let clock = RotationClock(local: true)
            // Saturday 13:00 CET: midnight CET is 23:00 UTC.
            #expect(clock.boundary(after: Self.seconds(2026, 3, 28, 12), interval: .daily) == Self.seconds(2026, 3, 28, 23))
            // Sunday after the change (CEST, UTC+2): midnight is 22:00 UTC.
            #expect(clock.boundary(after: Self.seconds(2026, 3, 29, 12), interval: .daily) == Self.seconds(2026, 3, 29, 22))
        }
    }

    @Test func stampsNameThePeriodCovered() {
        let clock = RotationClock(local: false)
        #expect(clock.stamp(rotatedAt: Self.seconds(2026, 11, 29, 0), interval: .daily, bySize: false) == "2026-11-28")
        #expect(clock.stamp(rotatedAt: Self.seconds(2026, 11, 28, 14, 0, 0), interval: .hourly, bySize: false) == "2026-11-28T13")
        #expect(clock.stamp(rotatedAt: Self.seconds(2026, 11, 28, 13, 45, 2), interval: .none, bySize: true) == "2026-11-28T13-45-02")
    }

    @Test("dated rotation keeps the newest `keep` files")
    func datedRotationKeeps() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-dated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.log").path
        var logging = LoggingConfiguration()
        logging.accessLog = [path]
        logging.interval = .daily
        logging.naming = .dated
        logging.keep = 2
        var rotator = LogRotator(logging: logging)
        let now = Int64(Date().timeIntervalSince1970)
        for day in 2...4 {
            try "line \(day)\n".write(toFile: path, atomically: false, encoding: .utf8)
            #expect(rotator.rotateDue(now: now + Int64(day) * 86_400) == [path])
        }
        // Each rotation is named after the day that ended at the boundary that triggered it.
        let clock = RotationClock(local: false)
        let expected = (2...3).map { day in
            "access.log."
                + clock.stamp(rotatedAt: clock.boundary(after: now + Int64(day) * 86_400, interval: .daily)!, interval: .daily, bySize: false)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == expected)
        #expect(try String(contentsOfFile: directory.appendingPathComponent(expected[1]).path, encoding: .utf8) == "line 4\n")
    }
}

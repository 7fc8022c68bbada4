import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header value, formatted at most once per second per thread.
///
/// Formatting by hand from `gmtime_r`: no `DateFormatter` and no allocation on the request path
/// beyond the once-a-second string.
final class HTTPDateCache {
    private var second: time_t = 0
    private var cached = ""

    // Each thread reads and writes only its own value.
    nonisolated(unsafe) private static let threadLocal = ThreadSpecificVariable<HTTPDateCache>()

    /// The cache of the calling thread.
    static var current: HTTPDateCache {
        if let cache = Self.threadLocal.currentValue { return cache }
        let cache = HTTPDateCache()
        Self.threadLocal.currentValue = cache
        return cache
    }

    /// The current time as an IMF-fixdate, e.g. `Sat, 28 Nov 2026 17:18:00 GMT`.
    var value: String {
        let now = time(nil)
        if now != self.second {
            self.second = now
            self.cached = Self.format(now)
        }
        return self.cached
    }

    /// Formats `seconds` since the epoch as an IMF-fixdate (RFC 9110, section 5.6.7).
    static func format(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes.append(contentsOf: days[Int(parts.tm_wday)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        Self.appendTwoDigits(Int(parts.tm_mday), to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: months[Int(parts.tm_mon)].utf8)
        bytes.append(UInt8(ascii: " "))
        let year = Int(parts.tm_year) + 1900
        Self.appendTwoDigits(year / 100, to: &bytes)
        Self.appendTwoDigits(year % 100, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendTwoDigits(Int(parts.tm_hour), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendTwoDigits(Int(parts.tm_min), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendTwoDigits(Int(parts.tm_sec), to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendTwoDigits(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}

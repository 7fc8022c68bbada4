import NIOCore
import NIOPosix
import SwiftcornTime

#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header value, formatted at most once per second per thread.
///
/// ``HTTPDate`` formats it; the cache keeps that to once a second per event loop.
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
            self.cached = HTTPDate.format(secondsSince1970: Int64(now))
        }
        return self.cached
    }
}

import Foundation

/// Waiting for a condition with a deadline, instead of sleeping and hoping.
public enum Poll {
    /// Checks `condition` every 20 ms until it holds; throws when `timeout` passes first.
    public static func until(
        _ what: String,
        timeout: Duration,
        interval: Duration = .milliseconds(20),
        _ condition: () throws -> Bool
    ) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return }
            guard ContinuousClock.now < deadline else { throw PollTimeout(what: what, timeout: timeout) }
            Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
        }
    }
}

/// A polled condition that did not hold in time.
public struct PollTimeout: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration

    public var description: String { "timed out after \(self.timeout) waiting for \(self.what)" }
}

import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Counts the requests a worker serves against `max_requests` plus its draw of jitter, and asks
/// the master for a replacement once, when the budget is spent.
final class RequestBudget: Sendable {
    /// Requests after which the worker retires.
    let limit: Int
    private let workerIndex: Int
    private let served = Atomic<Int>(0)

    /// A budget of `maxRequests` plus a random 0…`jitter`, so workers started together do not all
    /// retire together; `nil` when `maxRequests` is 0.
    init?(maxRequests: Int, jitter: Int, workerIndex: Int) {
        guard maxRequests > 0 else { return nil }
        self.limit = maxRequests + (jitter > 0 ? Int.random(in: 0...jitter) : 0)
        self.workerIndex = workerIndex
    }

    /// One more request served.
    func spend() {
        if self.served.add(1, ordering: .relaxed).newValue == self.limit {
            ControlMessage.retire(index: self.workerIndex, pid: getpid()).send()
        }
    }
}

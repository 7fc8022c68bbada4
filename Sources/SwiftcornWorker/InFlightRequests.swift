import NIOCore
import Synchronization

/// The requests a worker is serving right now, readable from any thread: when the master aborts
/// a worker whose event loop hangs, the supervising thread names them in its last record.
final class InFlightRequests: Sendable {
    /// One request in flight.
    struct Entry: Sendable {
        let method: String
        let target: String
        let requestID: String
        let startedNanoseconds: UInt64
    }

    private struct State {
        var next: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())

    /// Records a request that began at `started` (CLOCK_MONOTONIC, like the heartbeat); returns
    /// the key that ends it.
    func begin(method: String, target: String, requestID: String, started: NIODeadline) -> UInt64 {
        let entry = Entry(method: method, target: target, requestID: requestID, startedNanoseconds: started.uptimeNanoseconds)
        return self.state.withLock { state in
            state.next &+= 1
            state.entries[state.next] = entry
            return state.next
        }
    }

    /// The request of `key` is over.
    func end(_ key: UInt64) {
        _ = self.state.withLock { $0.entries.removeValue(forKey: key) }
    }

    /// Every request in flight, oldest first.
    var snapshot: [Entry] {
        self.state.withLock { Array($0.entries.values) }.sorted { $0.startedNanoseconds < $1.startedNanoseconds }
    }
}

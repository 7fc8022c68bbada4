import SwiftcornSystem
import SwiftcornTestKit
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``DetachedThread`` runs its body once, on a thread of its own.
@Suite("DetachedThread: a plain thread for one closure")
struct DetachedThreadTests {
    @Test("runs its body, on another thread")
    func runsItsBody() throws {
        let ran = Flag()
        let caller = pthread_self()
        #expect(DetachedThread.start { ran.set(pthread_equal(pthread_self(), caller) == 0) })
        #expect(try ran.value(within: .seconds(10)) == true)
    }

    @Test("runs each body exactly once, however many are started")
    func runsEachOnce() throws {
        let counts = Mutex([Int](repeating: 0, count: 64))
        for index in 0..<64 {
            #expect(DetachedThread.start { counts.withLock { $0[index] += 1 } })
        }
        try Poll.until("64 threads to run", timeout: .seconds(10)) { counts.withLock { $0.allSatisfy { $0 >= 1 } } }
        #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 64))
    }

    @Test("releases its body once it ran")
    func releasesItsBody() throws {
        final class Token: Sendable {}
        weak var weakToken: Token?
        let done = Flag()
        do {
            let token = Token()
            weakToken = token
            #expect(DetachedThread.start { withExtendedLifetime(token) { done.set(true) } })
        }
        #expect(try done.value(within: .seconds(10)) == true)
        try Poll.until("the body to be released", timeout: .seconds(10)) { weakToken == nil }
    }
}

/// A value set once by another thread, read with a deadline.
final class Flag: Sendable {
    private let state = Mutex<Bool?>(nil)

    func set(_ value: Bool) {
        self.state.withLock { $0 = value }
    }

    /// The value once set; throws when `timeout` passes first.
    func value(within timeout: Duration) throws -> Bool? {
        try Poll.until("a thread to set the flag", timeout: timeout) { self.state.withLock { $0 } != nil }
        return self.state.withLock { $0 }
    }
}

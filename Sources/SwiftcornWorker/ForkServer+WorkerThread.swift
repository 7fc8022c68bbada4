import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension ForkServer {
    /// Runs `worker` on a new thread and parks the thread `fork` returned in for good.
    ///
    /// That thread carries the fork server's thread-local caches, among them the thread id
    /// that Swift's `Mutex` and `swift_once` write into a lock word. Under contention the
    /// kernel then finds the lock owned by a thread of another process: the waiter crashes
    /// ("Unknown error occurred while attempting to acquire a Mutex") or never wakes. A new
    /// thread starts with empty caches. The parked thread has every signal blocked, as the fork
    /// server has, so it takes no part in the worker's signal handling.
    ///
    /// The runtime still counts the parked thread as the main one: in a forked worker, code that
    /// checks for the main thread (`MainActor.assumeIsolated`) finds itself elsewhere, as it
    /// would on any event loop.
    static func runOnFreshThread(_ worker: () -> Never) -> Never {
        withoutActuallyEscaping(worker) { worker in
            let body = UncheckedWorkerBody(run: worker)
            guard DetachedThread.start({ body.run() }) else {
                // At the thread limit: a worker that may hang under lock contention is still
                // better than none.
                body.run()
            }
            while true {
                pause()
            }
        }
    }
}

/// The worker's body, handed to the thread that runs it while the thread that owns it parks.
private struct UncheckedWorkerBody: @unchecked Sendable {
    let run: () -> Never
}

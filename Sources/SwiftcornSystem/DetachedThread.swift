#if canImport(Glibc)
import Glibc
#endif

/// A plain thread that runs one closure and ends, for the loops that must never run on an
/// event loop or in Swift concurrency's pool (accepting, writing logs).
///
/// It inherits the signal mask of the thread that starts it, as every thread must here: see
/// ``SignalDescriptor/block(_:)``.
package enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void

        init(_ run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }

    /// Starts a detached thread running `body`; `false` when no thread could be created (the
    /// process or its cgroup is at its thread limit), and `body` never runs.
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let body = Unmanaged.passRetained(Body(body))
        let retained = body.toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            },
            retained
        )
        guard result == 0 else {
            body.release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}

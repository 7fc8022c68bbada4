#if canImport(Glibc)
import Glibc
#endif

/// A plain thread that runs one closure and ends, for the loops that must never run on an
/// event loop or in Swift concurrency's pool (accepting, writing logs).
///
/// It inherits the signal mask of the thread that starts it, as every thread must here: see
/// ``SignalDescriptor/block(_:)``.
public enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void

        init(_ run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }

    /// Starts a detached thread running `body`.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let retained = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        pthread_create(
            &thread,
            nil,
            { argument in
                Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            },
            retained
        )
        pthread_detach(thread)
    }
}

import CSwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Signals delivered through a file descriptor instead of an asynchronous handler.
///
/// The signals are blocked in the calling thread, so this must be created before the process
/// starts other threads, which inherit the mask; then no thread is ever interrupted by them and
/// the owner reads them one at a time, in order, where it chooses.
package struct SignalDescriptor: ~Copyable {
    /// The signalfd; readable when a signal is pending.
    package let fileDescriptor: Int32

    /// Blocks `signals` for this thread and the threads it will start, and opens a signalfd for them.
    package init(signals: [Int32]) throws(SystemCallError) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals {
            sigaddset(&mask, signal)
        }
        guard pthread_sigmask(SIG_BLOCK, &mask, nil) == 0 else { throw SystemCallError("pthread_sigmask") }
        let fd = cswiftcorn_signalfd(&mask)
        guard fd >= 0 else { throw SystemCallError("signalfd") }
        self.fileDescriptor = fd
    }

    /// Blocks `signals` in the calling thread, and so in every thread it starts afterwards.
    ///
    /// Call it first thing in `main`: a thread started before (a log writer, an event loop)
    /// would keep the signals deliverable, and a TERM landing on it would kill the process
    /// instead of reaching the signalfd.
    package static func block(_ signals: [Int32]) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals {
            sigaddset(&mask, signal)
        }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for a signal, with its sender and the
    /// integer `sigqueue` attached to it; `nil` when none arrived.
    package func wait(timeoutMilliseconds: Int32) -> ReceivedSignal? {
        var descriptor = pollfd(fd: self.fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return nil }
        var sender: pid_t = 0
        var value: Int32 = 0
        let signal = cswiftcorn_signalfd_read(self.fileDescriptor, &sender, &value)
        return signal > 0 ? ReceivedSignal(number: signal, sender: sender, value: value) : nil
    }

    /// Reads one pending signal, blocking until there is one.
    package func read() -> Int32? {
        let signal = cswiftcorn_signalfd_read(self.fileDescriptor, nil, nil)
        return signal > 0 ? signal : nil
    }

    deinit {
        close(self.fileDescriptor)
    }
}

/// A signal read from a ``SignalDescriptor``.
package struct ReceivedSignal: Sendable, Equatable {
    /// The signal, such as `SIGTERM`.
    package let number: Int32
    /// The process that sent it (0 for the kernel).
    package let sender: pid_t
    /// The integer the sender attached with `sigqueue`; 0 for a plain `kill`.
    package let value: Int32
}

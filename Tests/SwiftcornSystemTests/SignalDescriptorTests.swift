import SwiftcornSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``SignalDescriptor`` blocks its signals and hands them over one at a time through a signalfd.
///
/// The tests raise `SIGWINCH` at their own thread (`raise` is thread-directed, so no other thread
/// of the runner can take it) and restore the thread's mask after: `SIGWINCH`'s default action is
/// to ignore it, so even a signal left pending by a failing test cannot kill the runner.
@Suite("SignalDescriptor: signals read from a descriptor", .serialized)
struct SignalDescriptorTests {
    /// Runs `body` with `SIGWINCH` unblocked at first (the runner's threads may block signals),
    /// then drains what it left pending and restores this thread's signal mask.
    func withRestoredMask(_ body: () throws -> Void) rethrows {
        var saved = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &saved)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGWINCH) == 1 {
                var only = Self.set([SIGWINCH])
                var taken: Int32 = 0
                sigwait(&only, &taken)
            }
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        }
        var unblocked = Self.set([SIGWINCH])
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        try body()
    }

    static func set(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    /// The signals 1…64 this thread blocks.
    static func blocked() -> Set<Int32> {
        var mask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        return Set((1...64).filter { sigismember(&mask, $0) == 1 })
    }

    func isBlocked(_ signal: Int32) -> Bool {
        Self.blocked().contains(signal)
    }

    @Test("blocks its signals and no other, then reads a raised one with its sender")
    func raiseAndRead() throws {
        let before = Self.blocked()
        try self.withRestoredMask {
            #expect(!self.isBlocked(SIGWINCH))
            let others = Self.blocked()
            let descriptor = try SignalDescriptor(signals: [SIGWINCH])
            #expect(Self.blocked() == others.union([SIGWINCH]))
            #expect(descriptor.wait(timeoutMilliseconds: 0) == nil, "nothing pending yet")
            #expect(raise(SIGWINCH) == 0)
            let received = descriptor.wait(timeoutMilliseconds: 5_000)
            #expect(received?.number == SIGWINCH)
            #expect(received?.sender == getpid())
            #expect(received?.value == 0, "a plain signal carries no value")
            #expect(descriptor.wait(timeoutMilliseconds: 0) == nil, "read once, gone")
        }
        #expect(Self.blocked() == before, "the mask is restored")
    }

    @Test("read returns a pending signal")
    func readBlocking() throws {
        try self.withRestoredMask {
            let descriptor = try SignalDescriptor(signals: [SIGWINCH])
            #expect(raise(SIGWINCH) == 0)
            #expect(descriptor.read() == SIGWINCH)
        }
    }

    @Test("a signal queued with a value hands the value over")
    func queuedValue() throws {
        try self.withRestoredMask {
            let descriptor = try SignalDescriptor(signals: [SIGWINCH])
            var value = sigval()
            value.sival_int = 4_242
            #expect(Self.queueToThisThread(SIGWINCH, value) == 0)
            let received = descriptor.wait(timeoutMilliseconds: 5_000)
            #expect(received?.number == SIGWINCH)
            #expect(received?.value == 4_242)
        }
    }

    /// glibc's `pthread_sigqueue`, which Swift's Glibc module does not import (it is a GNU
    /// extension): `sigqueue` with a value, aimed at one thread, so no other thread of the
    /// runner takes the signal.
    static func queueToThisThread(_ signal: Int32, _ value: sigval) -> Int32 {
        typealias Function = @convention(c) (pthread_t, Int32, sigval) -> Int32
        guard let symbol = dlsym(nil, "pthread_sigqueue") else { return -1 }
        return unsafeBitCast(symbol, to: Function.self)(pthread_self(), signal, value)
    }

    @Test("closes its descriptor when it goes away")
    func closesOnDeinit() throws {
        var number: Int32 = -1
        try self.withRestoredMask {
            let descriptor = try SignalDescriptor(signals: [SIGWINCH])
            number = descriptor.fileDescriptor
            #expect(Self.kind(of: number) == "anon_inode:[signalfd]")
            #expect(fcntl(number, F_GETFD) & FD_CLOEXEC != 0, "close-on-exec: no child inherits it")
        }
        // The number may be reused by another test's descriptor since: ask what it is, not whether it is.
        #expect(Self.kind(of: number) != "anon_inode:[signalfd]")
    }

    /// What descriptor `number` of this process refers to, as `/proc` names it; `nil` when closed.
    static func kind(of number: Int32) -> String? {
        var target = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/self/fd/\(number)", &target, target.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: target[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test("block adds to the thread's mask, which threads it starts inherit")
    func blockIsInherited() throws {
        try self.withRestoredMask {
            #expect(!self.isBlocked(SIGWINCH))
            SignalDescriptor.block([SIGWINCH])
            #expect(self.isBlocked(SIGWINCH))
            let inherited = Flag()
            #expect(DetachedThread.start { inherited.set(self.isBlocked(SIGWINCH)) })
            let blockedThere = try inherited.value(within: .seconds(10))
            #expect(blockedThere == true)
        }
    }
}

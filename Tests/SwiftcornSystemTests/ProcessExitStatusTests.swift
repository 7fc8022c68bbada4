import CSwiftcornSystem
import SwiftcornSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``ProcessExitStatus`` decodes `waitpid` statuses, hand-built and from real children, into
/// the words the master logs: `exit status 0`, `signal 9 (SIGKILL)`.
@Suite("ProcessExitStatus: how a child ended, as the master logs it")
struct ProcessExitStatusTests {
    @Test(
        "raw wait statuses, core-dump bit included",
        arguments: [
            (0x0000 as Int32, ProcessExitStatus.exited(0), "exit status 0"),
            (0x0300, .exited(3), "exit status 3"),
            (0xff00, .exited(255), "exit status 255"),
            (0x0009, .signaled(9), "signal 9 (SIGKILL)"),
            (0x000f, .signaled(15), "signal 15 (SIGTERM)"),
            (0x0086, .signaled(6), "signal 6 (SIGABRT)"),  // 0x80: it dumped core
            (0x008b, .signaled(11), "signal 11 (SIGSEGV)"),
        ]
    )
    func rawStatuses(raw: Int32, status: ProcessExitStatus, text: String) {
        #expect(ProcessExitStatus(waitStatus: raw) == status)
        #expect(ProcessExitStatus(waitStatus: raw).description == text)
    }

    @Test("a child that exits: its code")
    func exitingChildren() throws {
        #expect(try Child.run(["/bin/true"]).description == "exit status 0")
        #expect(try Child.run(["/bin/sh", "-c", "exit 3"]) == .exited(3))
        #expect(try Child.run(["/bin/sh", "-c", "exit 255"]).description == "exit status 255")
    }

    @Test("a child killed by a signal: its number and name", arguments: [SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT])
    func killedChildren(signal: Int32) throws {
        let pid = try Child.spawn(["/bin/sleep", "30"])
        #expect(kill(pid, signal) == 0)
        let status = try Child.wait(pid)
        #expect(status == .signaled(signal))
        #expect(status.description == "signal \(signal) (\(Self.names[signal]!))")
    }

    @Test("a child that signals itself")
    func selfSignalled() throws {
        #expect(try Child.run(["/bin/sh", "-c", "kill -USR2 $$"]).description == "signal \(SIGUSR2) (SIGUSR2)")
    }

    @Test("the signals a worker commonly dies of are named")
    func commonSignalsNamed() {
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGSEGV, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2] {
            #expect(ProcessExitStatus.signalName(signal) == Self.names[signal])
        }
        #expect(ProcessExitStatus.signalName(64) == "signal 64")
    }

    @Test("every standard signal is named")
    func everySignalNamed() {
        #expect(Self.names.count == 31)
        let unnamed = Self.names.keys.sorted().filter { ProcessExitStatus.signalName($0) != Self.names[$0] }
        #expect(unnamed.isEmpty, "unnamed: \(unnamed.map { Self.names[$0]! })")
    }

    /// Linux's standard signals by name, from glibc's constants rather than the code under test.
    static let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT",
        SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
        SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGSTKFLT: "SIGSTKFLT", SIGCHLD: "SIGCHLD",
        SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG",
        SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH",
        SIGIO: "SIGIO", SIGPWR: "SIGPWR", SIGSYS: "SIGSYS",
    ]
}

/// Child processes started with `posix_spawn`, with the default signal mask and dispositions
/// (the test runner's threads may block signals a child would otherwise inherit blocked).
enum Child {
    static func spawn(_ arguments: [String]) throws(SystemCallError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], nil, &attributes, argv, cswiftcorn_environ())
        guard result == 0 else { throw SystemCallError("posix_spawn", subject: arguments[0], errno: result) }
        return pid
    }

    static func wait(_ pid: pid_t) throws(SystemCallError) -> ProcessExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SystemCallError("waitpid") }
        }
        return ProcessExitStatus(waitStatus: status)
    }

    static func run(_ arguments: [String]) throws(SystemCallError) -> ProcessExitStatus {
        try Self.wait(Self.spawn(arguments))
    }
}

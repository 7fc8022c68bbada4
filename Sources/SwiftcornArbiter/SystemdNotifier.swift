import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd about the master's state when it runs as a `Type=notify` service; does nothing
/// otherwise. Only the master notifies: workers never see `NOTIFY_SOCKET`.
struct SystemdNotifier {
    /// Whether systemd listens (`NOTIFY_SOCKET` is set).
    let isEnabled: Bool
    /// Half of `WATCHDOG_USEC`, when the watchdog is on for this process.
    let watchdogInterval: Duration?
    private var nextWatchdog: ContinuousClock.Instant?
    private var nextStatus: ContinuousClock.Instant?

    /// Reads the environment systemd set for this process.
    init() {
        self.isEnabled = getenv("NOTIFY_SOCKET") != nil
        let watchdogPID = getenv("WATCHDOG_PID").flatMap { pid_t(String(cString: $0)) }
        if self.isEnabled, watchdogPID == nil || watchdogPID == getpid(),
            let text = getenv("WATCHDOG_USEC"), let micros = Int64(String(cString: text)), micros > 0
        {
            self.watchdogInterval = .microseconds(micros / 2)
        } else {
            self.watchdogInterval = nil
        }
    }

    /// Sends `state`, e.g. `READY=1`.
    func send(_ state: String) {
        guard self.isEnabled else { return }
        _ = sd_notify(0, state)
    }

    /// `RELOADING=1` with the monotonic time systemd 253+ asks for.
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        self.send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
    }

    /// Sends what is due: WATCHDOG=1 at half the watchdog period while the loop runs, and a
    /// STATUS line every few seconds.
    mutating func tick(now: ContinuousClock.Instant, status: () -> String) {
        guard self.isEnabled else { return }
        if let interval = self.watchdogInterval, self.nextWatchdog.map({ now >= $0 }) ?? true {
            self.send("WATCHDOG=1")
            self.nextWatchdog = now + interval
        }
        if self.nextStatus.map({ now >= $0 }) ?? true {
            self.send("STATUS=\(status())")
            self.nextStatus = now + .seconds(5)
        }
    }

    /// How soon ``tick(now:status:)`` has something to send, in milliseconds.
    func pollLimit() -> Int32 {
        guard let interval = self.watchdogInterval else { return 1000 }
        return Int32(max(10, min(1000, interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)))
    }
}

import Swiftcorn
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The demo's server hooks: marks slow requests in the access log (an example of
/// ``ServerHooks/postRequest``), and, when `SWIFTCORN_TEST_HOOK_LOG` names a file, records every
/// hook call there so the tests can see each fire once, in the right process.
enum DemoHooks {
    static func make() -> ServerHooks {
        var hooks = ServerHooks()
        hooks.postRequest = { summary in
            if summary.duration >= .seconds(1) {
                summary.addField("slow", "true")
            }
        }
        guard let path = getenv("SWIFTCORN_TEST_HOOK_LOG").map({ String(cString: $0) }) else { return hooks }
        let log = HookLog(path: path)
        let seen = Atomic<Int>(0)
        hooks.onStarting = { log.write("on_starting") }
        hooks.whenReady = { log.write("when_ready") }
        hooks.onReload = { log.write("on_reload") }
        hooks.workersChanged = { new, old in log.write("workers_changed new=\(new) old=\(old)") }
        hooks.childExit = { exit in log.write("child_exit worker=\(exit.workerIndex) pid=\(exit.pid) reason=\(exit.reason)") }
        hooks.onExit = { log.write("on_exit") }
        hooks.postWorkerInit = { index in log.write("post_worker_init worker=\(index)") }
        hooks.workerAbort = { index in log.write("worker_abort worker=\(index)") }
        hooks.workerExit = { index in log.write("worker_exit worker=\(index)") }
        hooks.preRequest = { _, _ in seen.add(1, ordering: .relaxed) }
        hooks.postRequest = { summary in
            summary.addField("hook_pre_requests", String(seen.load(ordering: .relaxed)))
            summary.addField("hook_status", String(summary.status))
        }
        return hooks
    }
}

/// Appends one line per hook call, with the calling process: tests only (a blocking write).
final class HookLog: Sendable {
    let path: String

    init(path: String) {
        self.path = path
    }

    func write(_ event: String) {
        let line = Array("\(event) pid=\(getpid())\n".utf8)
        let fd = open(self.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

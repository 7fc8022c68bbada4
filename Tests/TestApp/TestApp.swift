import Swiftcorn
import SwiftcornDemo
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `swiftcorn-test-app`: an app built on ``Swiftcorn/main(settings:arguments:hooks:makeApp:)`` as
/// a user would build one, with a name and settings of its own, and the switches the integration
/// tests need that the shipped `swiftcorn` binary must not carry.
///
/// It serves the demo app and fails to start with `--test-boot-failure`. Two switches are
/// environment variables because they act before any setting is read, in every process (the
/// fork server and workers read the master's resolved settings, not the command line):
/// `SWIFTCORN_TEST_OPEN_BEFORE_MAIN` opens a descriptor before `Swiftcorn.main`, and
/// `SWIFTCORN_TEST_HOOK_LOG` names a file where every hook call is recorded.
@main
enum TestApp {
    static let bootFailure = AppSetting.flag("test.boot_failure", flag: "--test-boot-failure", help: "the app fails to start in every worker")
    static let faultEndpoints = AppSetting.flag(
        "enable_fault_endpoints",
        flag: "--enable-fault-endpoints",
        help: "activate the demo app's /fault/* endpoints"
    )

    static func main() {
        if getenv("SWIFTCORN_TEST_OPEN_BEFORE_MAIN") != nil {
            // An app that opens a file before Swiftcorn.main, in every process.
            _ = open("/dev/null", O_RDONLY)
        }
        let settings = SettingsTable(name: "swiftcorn-test-app", appSettings: [bootFailure, faultEndpoints])
        var hooks = DemoHooks.make()
        if let path = getenv("SWIFTCORN_TEST_HOOK_LOG").map({ String(cString: $0) }) {
            Self.record(&hooks, in: HookLog(path: path))
        }
        Swiftcorn.main(settings: settings, hooks: hooks) { configuration -> any Responder in
            if configuration[bootFailure] {
                throw BootFailure()
            }
            return DemoApp(faultEndpointsEnabled: configuration[faultEndpoints], maxBodySize: configuration.maxBodySize)
        }
    }

    /// Records every hook call in `log`, so the tests can see each fire once, in the right process.
    static func record(_ hooks: inout ServerHooks, in log: HookLog) {
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
    }
}

/// Appends one line per hook call, with the calling process (a blocking write: tests only).
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

/// The failure `--test-boot-failure` asks for.
struct BootFailure: Error, CustomStringConvertible {
    var description: String { "start-up failure requested by --test-boot-failure" }
}

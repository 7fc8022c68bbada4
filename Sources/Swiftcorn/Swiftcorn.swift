import Logging
import SwiftcornArbiter
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornSystem
import SwiftcornWorker

#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a Swiftcorn server: the same executable is the master and its workers.
///
/// ```swift
/// import Swiftcorn
///
/// @main struct App {
///     static func main() {
///         Swiftcorn.main(app: Hello())
///     }
/// }
/// ```
public enum Swiftcorn {
    /// This release of Swiftcorn.
    public static let version = "0.1.0"

    /// Parses the command line and runs the master, or, in a spawned worker, serves `app`.
    ///
    /// `name` is the program's name in usage and messages.
    public static func main(
        name: String = "swiftcorn",
        app: some Responder,
        hooks: ServerHooks = ServerHooks(),
        arguments: [String] = CommandLine.arguments
    ) -> Never {
        Self.main(settings: SettingsTable(name: name), arguments: arguments, hooks: hooks) { _ in app }
    }

    /// Parses the command line and runs the master, or, in a spawned worker, serves the
    /// application `makeApp` builds from the configuration.
    ///
    /// `makeApp` runs in each worker, never in the master. When it throws, the worker exits with
    /// the boot-failure status and the master stops with status 3, as gunicorn does. `hooks` run
    /// in the master and in the workers (see ``ServerHooks``). `settings` names the program and
    /// adds the app's own settings (``AppSetting``) to Swiftcorn's; `makeApp` reads them with
    /// `configuration[setting]`.
    public static func main(
        settings: SettingsTable = .swiftcorn,
        arguments: [String] = CommandLine.arguments,
        hooks: ServerHooks = ServerHooks(),
        makeApp: (ServerConfiguration) throws -> any Responder
    ) -> Never {
        // Before any thread exists (log writers, event loops): the master's and workers' signals
        // are read from signalfds, so no thread may leave them deliverable.
        // A worker also reads SIGABRT, the master's timeout notice, to log what it was doing first.
        let handled = [SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2]
        SignalDescriptor.block(handled + (WorkerProcess.isWorker || ForkServer.isForkServer ? [SIGABRT] : []))
        // exec keeps what a parent ignored (a shell's background job, a service manager), and
        // an ignored SIGCHLD has the kernel reap children itself, blocked or not: the master
        // would never learn that a worker died. Blocked, a default disposition kills nobody.
        for signalNumber in handled {
            signal(signalNumber, SIG_DFL)
        }
        LoggingSystem.bootstrap { label in SwiftcornLogHandler(label: label) }
        // Connections, log files and sockets are descriptors: a soft limit of 1024 (the common
        // default) let 1100 idle clients starve the side port. Workers inherit the raised limit.
        let openFiles = Self.raiseOpenFilesLimit()
        if WorkerProcess.isWorker {
            WorkerProcess.run(hooks: hooks, makeResponder: makeApp)
        }
        if ForkServer.isForkServer {
            ForkServer.run(hooks: hooks, makeResponder: makeApp)
        }
        let environment = ProcessEnvironment.current
        let commandLine = Array(arguments.dropFirst())
        let request: ConfigurationRequest
        do {
            request = try ConfigurationLoader.load(arguments: commandLine, environment: environment, table: settings)
        } catch {
            FileOutput.standardError("\(error)\n\nsee '\(settings.name) --help' for the options\n")
            exit(2)
        }
        switch request {
        case .help(let usage):
            print(usage)
            exit(0)
        case .version:
            print(settings.name == "swiftcorn" ? "swiftcorn \(Self.version)" : "\(settings.name) (swiftcorn \(Self.version))")
            exit(0)
        case .printTemplate(let yaml):
            print(yaml, terminator: "")
            exit(0)
        case .check(let resolved):
            print(ConfigurationTemplate.report(resolved, table: settings), terminator: "")
            print("configuration OK")
            exit(0)
        case .run(let resolved):
            ErrorLog.configure(
                writer: resolved.configuration.logging.makeErrorWriter(worker: 0),
                worker: 0,
                level: Logger.Level(rawValue: resolved.configuration.logLevel.rawValue) ?? .info
            )
            let logger = Logger(label: "swiftcorn.arbiter")
            if openFiles.before != openFiles.after {
                logger.info("raised the open-files limit to its hard limit", metadata: ["from": "\(openFiles.before)", "to": "\(openFiles.after)"])
            }
            let arbiter = Arbiter(
                configuration: resolved.configuration,
                reloader: ConfigurationReloader(arguments: commandLine, environment: environment, table: settings),
                executablePath: Self.executablePath(arguments),
                processName: Self.programName(arguments),
                version: Self.version,
                hooks: hooks,
                arguments: arguments,
                logger: logger
            )
            let status = arbiter.run()
            ErrorLog.writer.flush()
            exit(status)
        }
    }

    /// Raises RLIMIT_NOFILE's soft limit to its hard limit; the soft limit before and after.
    private static func raiseOpenFilesLimit() -> (before: UInt64, after: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        limit.rlim_cur = limit.rlim_max
        return setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? (before, UInt64(limit.rlim_max)) : (before, before)
    }

    /// The running binary, resolved once so workers run exactly what the master runs.
    private static func executablePath(_ arguments: [String]) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return arguments.first ?? "swiftcorn" }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func programName(_ arguments: [String]) -> String {
        let path = arguments.first ?? "swiftcorn"
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}

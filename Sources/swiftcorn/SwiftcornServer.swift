import Swiftcorn
import SwiftcornDemo
import SwiftcornStatic

#if canImport(Glibc)
import Glibc
#endif

/// The `swiftcorn` executable: the master and workers of a server hosting a built-in app.
@main
enum SwiftcornServer {
    /// The built-in apps.
    enum BuiltInApp: String, CaseIterable, Sendable {
        /// Hello world, `/bytes/N`, `/echo`, `/delay/S` and the opt-in `/fault/*` endpoints.
        case demo
        /// The files under `static_root` (``StaticFileResponder``).
        case `static`
    }

    static let app = AppSetting.choice("app", flag: "--app", default: BuiltInApp.demo, help: "built-in app to serve")
    static let staticRoot = AppSetting.optionalText("static_root", flag: "--root", valueHelp: "DIR", help: "directory served by --app static")
    static let faultEndpoints = AppSetting.flag(
        "enable_fault_endpoints",
        flag: "--enable-fault-endpoints",
        help: "activate the demo app's /fault/* endpoints"
    )

    static let settings = SettingsTable(name: "swiftcorn", appSettings: [app, staticRoot, faultEndpoints]) { configuration in
        guard configuration[app] == .static else { return [] }
        guard let root = configuration[staticRoot] else {
            return [ConfigurationError(.missingValue, key: "static_root", expected: "a directory to serve (--root DIR) for app static")]
        }
        var info = stat()
        let isDirectory = stat(root, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        guard isDirectory, access(root, R_OK | X_OK) == 0 else {
            return [ConfigurationError(.invalidValue, key: "static_root", value: root, expected: "a readable directory for app static")]
        }
        return []
    }

    static func main() {
        Swiftcorn.main(settings: Self.settings, hooks: DemoHooks.make()) { configuration -> any Responder in
            switch configuration[app] {
            case .static:
                return try StaticFileResponder(root: configuration[staticRoot] ?? ".")
            case .demo:
                return DemoApp(faultEndpointsEnabled: configuration[faultEndpoints], maxBodySize: configuration.maxBodySize)
            }
        }
    }
}

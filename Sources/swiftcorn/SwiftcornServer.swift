import Swiftcorn

#if canImport(Glibc)
import Glibc
#endif

/// The `swiftcorn` executable: the master and workers of a server hosting a built-in app.
@main
enum SwiftcornServer {
    static func main() {
        if getenv("SWIFTCORN_TEST_OPEN_BEFORE_MAIN") != nil {
            // Lets the tests see an app that opens a file before Swiftcorn.main, in every process.
            _ = open("/dev/null", O_RDONLY)
        }
        Swiftcorn.main(hooks: DemoHooks.make()) { configuration -> any Responder in
            if getenv("SWIFTCORN_TEST_BOOT_FAILURE") != nil {
                // Lets the tests see a worker whose application fails to start.
                throw BootFailure()
            }
            switch configuration.app {
            case "static":
                return try StaticFileResponder(root: configuration.staticRoot ?? ".")
            default:
                return DemoApp(faultEndpointsEnabled: configuration.enableFaultEndpoints, maxBodySize: configuration.maxBodySize)
            }
        }
    }
}

/// The failure `SWIFTCORN_TEST_BOOT_FAILURE` asks for.
struct BootFailure: Error, CustomStringConvertible {
    var description: String { "start-up failure requested by SWIFTCORN_TEST_BOOT_FAILURE" }
}

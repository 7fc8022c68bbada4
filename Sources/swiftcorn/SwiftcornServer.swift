import Swiftcorn

/// The `swiftcorn` executable: the master and workers of a server hosting a built-in app.
@main
enum SwiftcornServer {
    static func main() {
        Swiftcorn.main { configuration in
            switch configuration.app {
            case "static":
                try StaticFileResponder(root: configuration.staticRoot ?? ".")
            default:
                DemoApp(faultEndpointsEnabled: configuration.enableFaultEndpoints, maxBodySize: configuration.maxBodySize)
            }
        }
    }
}

// Minimal Hummingbird 2 server: GET / -> "Hello".
// Usage: HelloHB [--host 127.0.0.1] [--port 8002]
// Environment fallbacks: HB_HOST, HB_PORT. No middleware; log level .error.
import Foundation
import Hummingbird
import Logging

@main
struct HelloHB {
    static func main() async throws {
        var host = ProcessInfo.processInfo.environment["HB_HOST"] ?? "127.0.0.1"
        var port = Int(ProcessInfo.processInfo.environment["HB_PORT"] ?? "") ?? 8002

        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let arg = args.next() {
            switch arg {
            case "--host", "-H":
                guard let value = args.next() else { usage("missing value for \(arg)") }
                host = value
            case "--port", "-p":
                guard let value = args.next(), let parsed = Int(value), (1...65535).contains(parsed) else {
                    usage("invalid value for \(arg)")
                }
                port = parsed
            case "--help", "-h":
                usage(nil)
            default:
                usage("unknown argument \(arg)")
            }
        }

        var logger = Logger(label: "hello-hb")
        logger.logLevel = .error

        let router = Router()
        router.get("/") { _, _ in
            "Hello"
        }

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "HelloHB"),
            logger: logger
        )
        try await app.runService()
    }

    static func usage(_ error: String?) -> Never {
        if let error {
            FileHandle.standardError.write(Data("HelloHB: \(error)\n".utf8))
        }
        FileHandle.standardError.write(Data("usage: HelloHB [--host HOST] [--port PORT]\n".utf8))
        exit(error == nil ? 0 : 2)
    }
}

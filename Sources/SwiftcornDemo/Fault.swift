import Swiftcorn

#if canImport(Glibc)
import Glibc
#endif

/// Deliberate failures, to watch the master contain them.
enum Fault {
    static func trigger(_ kind: String, logger: Logger) throws -> Response {
        switch kind {
        case "crash":
            logger.warning("fault endpoint: trapping this worker")
            fatalError("fault endpoint /fault/crash")
        case "hang":
            logger.warning("fault endpoint: blocking this worker's event loop")
            // Blocks the thread the request runs on, the event loop: the worker stops answering
            // and its heartbeat stops, which is what a hung application looks like.
            while true {
                sleep(1)
            }
        case "exit":
            logger.warning("fault endpoint: exiting this worker")
            exit(1)
        default:
            throw HTTPError(.notFound)
        }
    }
}

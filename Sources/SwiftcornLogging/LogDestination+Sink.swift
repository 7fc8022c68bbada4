import SwiftcornConfig

#if canImport(Glibc)
import Glibc
#endif

extension LogDestination {
    /// The sink writing to this destination, in `format` (streams and files).
    func makeSink(format: LogFormat, journalIdentifier: String, worker: Int) -> any LogSink {
        switch self {
        case .standardOutput:
            return StreamSink(standardDescriptor: 1, format: format)
        case .standardError:
            return StreamSink(standardDescriptor: 2, format: format)
        case .file(let path):
            return StreamSink(path: path, format: format)
        case .journald:
            let pid = getpid()
            return JournalSink(identifier: journalIdentifier) { error in
                // One warning per switch to the fallback, written where it is sure to land.
                let warning = EventRecord.warning(
                    "journald refused a record; writing to stderr and retrying every 5s",
                    worker: worker,
                    pid: pid,
                    metadata: [("errno", String(error)), ("error", String(cString: strerror(error)))]
                )
                StreamSink.writeAll(warning.jsonLine(), to: 2)
            }
        }
    }
}

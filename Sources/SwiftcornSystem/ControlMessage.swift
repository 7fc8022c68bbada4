#if canImport(Glibc)
import Glibc
#endif

/// What a worker tells its master through the control pipe, one line each.
///
/// Lines are far shorter than `PIPE_BUF`, so the writes of many workers never interleave.
package enum ControlMessage: Sendable, Equatable {
    /// The worker of `index` accepts connections.
    case ready(index: Int, pid: pid_t)
    /// The worker served its `max_requests` and asks to be replaced; it keeps serving until told to stop.
    case retire(index: Int, pid: pid_t)

    /// The line on the wire, e.g. `ready 2 4242`.
    package var line: String {
        switch self {
        case .ready(let index, let pid): "ready \(index) \(pid)\n"
        case .retire(let index, let pid): "retire \(index) \(pid)\n"
        }
    }

    /// Reads one line (without its newline); `nil` for anything else.
    package init?(line: Substring) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, let index = Int(parts[1]), let pid = pid_t(parts[2]) else { return nil }
        switch parts[0] {
        case "ready": self = .ready(index: index, pid: pid)
        case "retire": self = .retire(index: index, pid: pid)
        default: return nil
        }
    }

    /// Sends this message on the control pipe a worker inherited, if it has one.
    package func send() {
        guard let launch = WorkerLaunch.current else { return }
        let descriptor = launch.descriptors.controlPipe
        var line = self.line
        line.withUTF8 { bytes in
            _ = write(descriptor, bytes.baseAddress, bytes.count)
        }
    }
}

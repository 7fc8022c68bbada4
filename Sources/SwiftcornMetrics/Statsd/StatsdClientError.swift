#if canImport(Glibc)
import Glibc
#endif

/// Why a statsd client could not be configured or started; the description names the offending host or value.
package enum StatsdClientError: Error, Equatable, CustomStringConvertible {
    /// The `host:port` string could not be parsed.
    case invalidAddress(address: String, reason: String)
    /// `getaddrinfo` could not resolve the host.
    case unresolvableHost(host: String, port: UInt16, reason: String)
    /// A socket, pipe or thread call failed with `errno`.
    case systemCallFailed(operation: String, errno: Int32)
    /// A configuration value is out of range.
    case invalidConfiguration(String)

    /// A message fit for a startup error log.
    package var description: String {
        switch self {
        case .invalidAddress(let address, let reason):
            "invalid statsd address '\(address)': \(reason)"
        case .unresolvableHost(let host, let port, let reason):
            "cannot resolve statsd host '\(host)' (port \(port)): \(reason)"
        case .systemCallFailed(let operation, let errorNumber):
            "statsd \(operation) failed: \(String(cString: strerror(errorNumber))) (errno \(errorNumber))"
        case .invalidConfiguration(let reason):
            "invalid statsd configuration: \(reason)"
        }
    }
}

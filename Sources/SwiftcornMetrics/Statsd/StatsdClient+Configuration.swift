extension StatsdClient {
    /// Where and how a `StatsdClient` sends: gunicorn's `--statsd-host`, `--statsd-prefix` and `--dogstatsd-tags`.
    package struct Configuration: Sendable, Equatable {
        /// The statsd default port, used when an address has none.
        package static let defaultPort: UInt16 = 8125
        /// Gunicorn flushes immediately; one second keeps the packet rate independent of the request rate.
        package static let defaultFlushInterval: Duration = .seconds(1)
        /// Largest UDP payload accepted by the kernel for IPv4.
        private static let largestUDPPayload = 65_507

        /// Host name or IP literal (IPv6 without brackets).
        package var host: String
        /// UDP port of the statsd server.
        package var port: UInt16
        /// Prepended to every name with a `.`; empty means no prefix and no leading dot.
        package var prefix: String
        /// Dogstatsd tags, each `key:value`, appended to every line as `|#k:v,k2:v2`.
        package var tags: [String]
        /// How long a worker aggregates before sending.
        package var flushInterval: Duration
        /// Upper bound of one datagram's payload.
        package var maxDatagramSize: Int
        /// Timing samples kept per name per interval.
        package var maxTimingsPerName: Int

        /// Creates a configuration from an already split host and port.
        package init(
            host: String,
            port: UInt16 = Configuration.defaultPort,
            prefix: String = "",
            tags: [String] = [],
            flushInterval: Duration = Configuration.defaultFlushInterval,
            maxDatagramSize: Int = StatsdDatagramPacker.defaultMaxDatagramSize,
            maxTimingsPerName: Int = StatsdAggregator.defaultMaxTimingsPerName
        ) {
            self.host = host
            self.port = port
            self.prefix = prefix
            self.tags = tags
            self.flushInterval = flushInterval
            self.maxDatagramSize = maxDatagramSize
            self.maxTimingsPerName = maxTimingsPerName
        }

        /// Creates a configuration from `host:port`, `host`, `[v6]:port` or `[v6]`.
        package init(
            address: String,
            prefix: String = "",
            tags: [String] = [],
            flushInterval: Duration = Configuration.defaultFlushInterval,
            maxDatagramSize: Int = StatsdDatagramPacker.defaultMaxDatagramSize,
            maxTimingsPerName: Int = StatsdAggregator.defaultMaxTimingsPerName
        ) throws {
            let (host, port) = try Self.parseAddress(address)
            self.init(
                host: host,
                port: port,
                prefix: prefix,
                tags: tags,
                flushInterval: flushInterval,
                maxDatagramSize: maxDatagramSize,
                maxTimingsPerName: maxTimingsPerName
            )
        }

        /// Splits `host:port` (port optional, IPv6 in brackets); throws `StatsdClientError.invalidAddress`.
        package static func parseAddress(_ address: String) throws -> (host: String, port: UInt16) {
            func invalid(_ reason: String) -> StatsdClientError {
                .invalidAddress(address: address, reason: reason)
            }
            let host: Substring
            let portText: Substring?
            if address.hasPrefix("[") {
                guard let closing = address.firstIndex(of: "]") else {
                    throw invalid("missing ']' after IPv6 address")
                }
                host = address[address.index(after: address.startIndex)..<closing]
                let rest = address[address.index(after: closing)...]
                if rest.isEmpty {
                    portText = nil
                } else {
                    guard rest.first == ":" else {
                        throw invalid("expected ':port' after ']'")
                    }
                    portText = rest.dropFirst()
                }
            } else {
                let parts = address.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count <= 2 else {
                    throw invalid("IPv6 addresses need brackets, e.g. [::1]:8125")
                }
                host = parts[0]
                portText = parts.count == 2 ? parts[1] : nil
            }
            guard !host.isEmpty else {
                throw invalid("empty host")
            }
            guard let portText else {
                return (String(host), defaultPort)
            }
            guard let port = UInt16(portText), port != 0 else {
                throw invalid("port must be a number from 1 to 65535")
            }
            return (String(host), port)
        }

        /// Throws `StatsdClientError.invalidConfiguration` for values the client cannot work with.
        package func validate() throws {
            guard flushInterval > .zero else {
                throw StatsdClientError.invalidConfiguration("flush interval must be positive, got \(flushInterval)")
            }
            guard (1...Self.largestUDPPayload).contains(maxDatagramSize) else {
                throw StatsdClientError.invalidConfiguration(
                    "max datagram size must be 1...\(Self.largestUDPPayload), got \(maxDatagramSize)"
                )
            }
            guard maxTimingsPerName >= 0 else {
                throw StatsdClientError.invalidConfiguration("max timings per name must not be negative")
            }
            guard !host.isEmpty else {
                throw StatsdClientError.invalidConfiguration("empty host")
            }
        }
    }
}

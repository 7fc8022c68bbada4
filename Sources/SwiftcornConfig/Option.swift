/// One command-line option: its names, help and how it sets the configuration.
struct Option: Sendable {
    typealias Parse = @Sendable (String, inout ServerConfiguration, inout [BindAddress]) throws(ConfigurationError) -> Void

    let names: [String]
    let valueHelp: String
    let help: String
    let isFlag: Bool
    let parse: Parse

    init(_ names: [String], _ valueHelp: String, _ help: String, parse: @escaping Parse) {
        self.names = names
        self.valueHelp = valueHelp
        self.help = help
        self.isFlag = false
        self.parse = parse
    }

    init(flag names: [String], _ help: String, set: @escaping @Sendable (inout ServerConfiguration) -> Void) {
        self.names = names
        self.valueHelp = ""
        self.help = help
        self.isFlag = true
        self.parse = { _, configuration, _ in set(&configuration) }
    }

    func apply(_ value: String?, _ configuration: inout ServerConfiguration, _ binds: inout [BindAddress]) {
        try? self.parse(value ?? "", &configuration, &binds)
    }

    static func named(_ name: String) -> Option? {
        Self.all.first { $0.names.contains(name) }
    }

    /// The known option nearest to `name` by edit distance, when it is close enough to be a typo.
    static func closest(to name: String) -> String? {
        let candidates = Self.all.flatMap(\.names).filter { $0.hasPrefix("--") }
        let scored = candidates.map { ($0, EditDistance.between($0, name)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}

extension Option {
    static let all: [Option] = [
        Option(["-b", "--bind"], "ADDRESS", "listen on HOST:PORT, [V6]:PORT or unix:PATH; repeatable") { value, _, binds throws(ConfigurationError) in
            binds.append(try BindAddress(parsing: value))
        },
        Option(["-w", "--workers"], "N", "worker processes (default: CPU cores)") { value, configuration, _ throws(ConfigurationError) in
            configuration.workers = try ValueParsing.integer(value, key: "workers", in: 1...1024)
        },
        Option(["--threads"], "N", "event loop threads per worker (default 1)") { value, configuration, _ throws(ConfigurationError) in
            configuration.threads = try ValueParsing.integer(value, key: "threads", in: 1...256)
        },
        Option(["--backlog"], "N", "listen backlog (default 2048)") { value, configuration, _ throws(ConfigurationError) in
            configuration.backlog = try ValueParsing.integer(value, key: "backlog", in: 1...65535)
        },
        Option(["--worker-connections"], "N", "open connections per worker (default 1000)") { value, configuration, _ throws(ConfigurationError) in
            configuration.workerConnections = try ValueParsing.integer(value, key: "worker_connections", in: 1...1_000_000)
        },
        Option(["--keepalive"], "DURATION", "idle keep-alive timeout (default 5s)") { value, configuration, _ throws(ConfigurationError) in
            configuration.keepalive = try ValueParsing.duration(value, key: "keepalive")
        },
        Option(["--graceful-timeout"], "DURATION", "time to finish requests on stop (default 30s)") {
            value,
            configuration,
            _ throws(ConfigurationError) in
            configuration.gracefulTimeout = try ValueParsing.duration(value, key: "graceful_timeout")
        },
        Option(["-t", "--timeout"], "DURATION", "heartbeat timeout of a worker (default 30s)") { value, configuration, _ throws(ConfigurationError) in
            configuration.timeout = try ValueParsing.duration(value, key: "timeout")
        },
        Option(["--limit-request-line"], "BYTES", "longest request line (default 8190)") { value, configuration, _ throws(ConfigurationError) in
            configuration.limitRequestLine = try ValueParsing.integer(value, key: "limit_request_line", in: 64...1_048_576)
        },
        Option(["--limit-request-fields"], "N", "most header fields (default 100)") { value, configuration, _ throws(ConfigurationError) in
            configuration.limitRequestFields = try ValueParsing.integer(value, key: "limit_request_fields", in: 1...32768)
        },
        Option(["--limit-request-field-size"], "BYTES", "longest header field (default 8190)") { value, configuration, _ throws(ConfigurationError) in
            configuration.limitRequestFieldSize = try ValueParsing.integer(value, key: "limit_request_field_size", in: 64...1_048_576)
        },
        Option(["--header-timeout"], "DURATION", "time to receive a request head (default 10s)") {
            value,
            configuration,
            _ throws(ConfigurationError) in
            configuration.headerTimeout = try ValueParsing.duration(value, key: "header_timeout")
        },
        Option(["--max-body-size"], "SIZE", "largest request body (default 10MiB)") { value, configuration, _ throws(ConfigurationError) in
            configuration.maxBodySize = try ValueParsing.size(value, key: "max_body_size")
        },
        Option(["--app"], "NAME", "built-in app: demo or static (default demo)") { value, configuration, _ throws(ConfigurationError) in
            guard value == "demo" || value == "static" else {
                throw ConfigurationError(.invalidValue, key: "app", value: value, expected: "demo or static")
            }
            configuration.app = value
        },
        Option(["--root"], "DIR", "directory served by --app static") { value, configuration, _ in
            configuration.staticRoot = value
        },
        Option(flag: ["--enable-fault-endpoints"], "activate the demo app's /fault/* endpoints") {
            $0.enableFaultEndpoints = true
        },
    ]
}

/// The settings a server reads, Swiftcorn's and its app's, and the name it goes by in usage
/// and messages.
public struct SettingsTable: Sendable {
    /// The program's name, e.g. `swiftcorn` or an app's own.
    public let name: String
    let settings: [Setting]
    /// Rules an app adds that involve several settings or the file system.
    let check: @Sendable (ServerConfiguration) -> [ConfigurationError]

    /// Swiftcorn's settings alone.
    public static let swiftcorn = SettingsTable(name: "swiftcorn")

    /// Swiftcorn's settings and `appSettings`, which must not reuse a key, flag or variable of
    /// another setting (a programming error, stopped at start); `check` returns the mistakes of
    /// a loaded configuration that no single setting can see.
    public init(
        name: String,
        appSettings: [any AppSettingDeclaration] = [],
        check: @escaping @Sendable (ServerConfiguration) -> [ConfigurationError] = { _ in [] }
    ) {
        let added = appSettings.map(\.row.setting)
        var seen = Setting.all
        for setting in added {
            // Keys, flags and variables must each name one setting: a clash would make one of
            // them unreachable (and the variables' index trap), so it stops every start.
            precondition(
                !seen.contains {
                    $0.key == setting.key || $0.environmentVariable == setting.environmentVariable
                        || !Set($0.flags).isDisjoint(with: setting.flags)
                },
                "app setting '\(setting.key)' reuses a key, flag or environment variable of another setting"
            )
            seen.append(setting)
        }
        self.name = name
        self.settings = Setting.all + added
        self.check = check
    }

    func setting(forFlag flag: String) -> Setting? {
        self.settings.first { $0.flags.contains(flag) }
    }

    func setting(forKey key: String) -> Setting? {
        self.settings.first { $0.key == key }
    }
}

extension Setting {
    /// Every setting of Swiftcorn's own, in the order `--help` and `--print-config` show them;
    /// an app's follow (``SettingsTable``).
    static let all: [Setting] = server + limits + logging + metrics + statsd

    private static let server: [Setting] = [
        Setting(
            key: "bind",
            flags: ["-b", "--bind"],
            valueHelp: "ADDRESS",
            help: "listen on HOST:PORT, [V6]:PORT or unix:PATH; repeatable",
            isList: true,
            isSwitch: false,
            apply: { values, configuration throws(ConfigurationError) in
                var binds: [BindAddress] = []
                for value in values { binds.append(try BindAddress(parsing: value)) }
                guard !binds.isEmpty else { throw ConfigurationError(.missingValue, key: "bind", expected: "at least one address") }
                configuration.binds = binds
            },
            render: { .list($0.binds.map(\.description)) }
        ),
        .integer("workers", ["-w", "--workers"], 1...1024, "worker processes (default: CPU cores)", \.workers),
        .integer("threads", ["--threads"], 1...256, "event loop threads per worker", \.threads),
        .integer("backlog", ["--backlog"], 1...65535, "listen backlog", \.backlog),
        .integer("worker_connections", ["--worker-connections"], 1...1_000_000, "open connections per worker", \.workerConnections),
        .duration("keepalive", ["--keepalive"], "idle keep-alive timeout", \.keepalive),
        .duration("graceful_timeout", ["--graceful-timeout"], "time in-flight requests get on stop", \.gracefulTimeout),
        .duration("timeout", ["-t", "--timeout"], "heartbeat timeout of a worker", allowsZero: false, \.timeout),
        .integer(
            "max_requests",
            ["--max-requests"],
            0...Int(Int32.max),
            "recycle a worker after N requests; 0: never",

            \.maxRequests
        ),
        .integer(
            "max_requests_jitter",
            ["--max-requests-jitter"],
            0...Int(Int32.max),
            "up to N more requests per worker",

            \.maxRequestsJitter
        ),
        .optionalText("pidfile", ["-p", "--pid"], "FILE", "write the master's pid to FILE", \.pidfile),
        .boolean(
            "upgrade_auto_stop",
            ["--upgrade-auto-stop"],
            "on USR2, stop the old master once the new one is ready",
            \.upgradeAutoStop
        ),
        .choice(
            "worker_start",
            ["--worker-start"],
            "start workers by forking a preloaded fork server, or by executing the binary",
            \.workerStart
        ),
    ]

    private static let limits: [Setting] = [
        .integer("limit_request_line", ["--limit-request-line"], 64...1_048_576, "longest request line, in bytes (414)", \.limitRequestLine),
        .integer("limit_request_fields", ["--limit-request-fields"], 1...32768, "most header fields (431)", \.limitRequestFields),
        .integer(
            "limit_request_field_size",
            ["--limit-request-field-size"],
            64...1_048_576,
            "longest header field, in bytes (431)",
            \.limitRequestFieldSize
        ),
        .duration("header_timeout", ["--header-timeout"], "time to receive a request head (408)", allowsZero: false, \.headerTimeout),
        .size("max_body_size", ["--max-body-size"], "largest request body (413)", \.maxBodySize),
        .list(
            "forwarded_allow_ips",
            ["--forwarded-allow-ips"],
            "IPS",
            "peers trusted for X-Forwarded-For and X-Request-ID; * for all",
            validate: { entry throws(ConfigurationError) in
                // Peers are compared as address text: a name or a network would never match.
                guard entry == "*" || HostPortSyntax.isIPv4(Substring(entry)) || HostPortSyntax.isIPv6(Substring(entry)) else {
                    throw ConfigurationError(
                        .invalidValue,
                        key: "forwarded_allow_ips",
                        value: entry,
                        expected: "* or a numeric IPv4 or IPv6 address (names and networks are not matched)"
                    )
                }
            },
            \.forwardedAllowIPs
        ),
    ]

    private static let logging: [Setting] = [
        .choice("log_level", ["--log-level"], "lowest level of error-log records", \.logLevel),
        .list(
            "access_log",
            ["--access-logfile"],
            "DEST",
            "access records to - (stdout), journald or a file; repeatable; none: off",
            \.logging.accessLog
        ),
        .list(
            "error_log",
            ["--error-logfile"],
            "DEST",
            "error records to - (stderr), journald or a file; repeatable",
            \.logging.errorLog
        ),
        .choice("log_format", ["--log-format"], "record format on streams and files", \.logging.format),
        .integer("log_queue_size", ["--log-queue-size"], 1...10_000_000, "records a process's log queue holds", \.logging.queueSize),
        .choice(
            "log_overflow",
            ["--log-overflow"],
            "a full log queue waits (block) or discards and counts (drop)",
            \.logging.overflow
        ),
        .size("log_max_size", ["--log-max-size"], "rotate a log file past this size; 0: never", \.logging.maxSize),
        .choice(
            "log_interval",
            ["--log-interval"],
            "rotate log files on the hour or day",

            \.logging.interval
        ),
        .integer("log_keep", ["--log-keep"], 0...10_000, "rotated log files kept", \.logging.keep),
        .choice("log_clock", ["--log-clock"], "clock of hourly/daily boundaries and dated names", \.logging.clock),
        .choice(
            "log_naming",
            ["--log-naming"],
            "rotated files as access.log.1, .2… or access.log.2026-11-28",
            \.logging.naming
        ),
        .boolean("log_compress", ["--log-compress"], "gzip rotated log files", \.logging.compress),
        .text("journal_identifier", ["--journal-identifier"], "NAME", "journald SYSLOG_IDENTIFIER", \.logging.journalIdentifier),
    ]

    private static let metrics: [Setting] = [
        .single(
            "metrics.bind",
            ["--metrics-bind"],
            valueHelp: "HOST:PORT|none",
            "the Prometheus side port; none turns it off",
            \.metrics.bind
        ) { text throws(ConfigurationError) in
            text == "none" ? nil : try BindAddress(parsing: text)
        } render: {
            .scalar($0?.description ?? "none")
        },
        .single("metrics.path", ["--metrics-path"], valueHelp: "PATH", "path of the Prometheus endpoint", \.metrics.path) {
            path throws(ConfigurationError) in
            // /healthz and /stats are the side port's other routes: a scrape there would hide them.
            guard path.hasPrefix("/"), path != "/healthz", path != "/stats", !path.contains(where: { $0 == " " || $0 == "?" }) else {
                throw ConfigurationError(
                    .invalidValue,
                    key: "metrics.path",
                    value: path,
                    expected: "an absolute path other than /healthz and /stats, e.g. /metrics"
                )
            }
            return path
        } render: {
            .scalar($0)
        },
        .optionalText(
            "metrics.auth_token_file",
            ["--metrics-auth-token-file"],
            "FILE",
            "bearer token scrapers must send",
            \.metrics.authTokenFile
        ),
    ]

    private static let statsd: [Setting] = [
        .single(
            "statsd.host",
            ["--statsd-host"],
            valueHelp: "HOST[:PORT]|none",
            "send statsd metrics there (port 8125 by default)",
            \.statsd.host
        ) { text throws(ConfigurationError) in
            text.isEmpty || text == "none"
                ? nil : try ServiceAddress(parsing: text, key: "statsd.host", defaultPort: StatsdConfiguration.defaultPort)
        } render: {
            $0.map { .scalar($0.description) } ?? .null
        },
        .text("statsd.prefix", ["--statsd-prefix"], "PREFIX", "prefix of statsd metric names", \.statsd.prefix),
        .list(
            "statsd.tags",
            ["--dogstatsd-tags"],
            "K:V,...",
            "dogstatsd tags on every metric",
            validate: { tag throws(ConfigurationError) in
                guard tag.contains(":") else {
                    throw ConfigurationError(.invalidValue, key: "statsd.tags", value: tag, expected: "key:value")
                }
            },
            \.statsd.tags
        ),
        .duration(
            "statsd.flush_interval",
            ["--statsd-flush-interval"],
            "how long workers aggregate before sending",
            allowsZero: false,
            \.statsd.flushInterval
        ),
        .boolean(
            "statsd.include_app_metrics",
            ["--statsd-include-app-metrics"],
            "send the app's swift-metrics instruments too",
            \.statsd.includeAppMetrics
        ),
    ]

    /// The nearest of `candidates` to `name`, when it is close enough to be a typo.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, EditDistance.between($0, name)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

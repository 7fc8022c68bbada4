import SwiftcornTime

/// Everything one pass computes; workers fill partial aggregates that are merged at the end.
package struct Aggregate: Sendable {
    /// The options it was computed with.
    package let options: AnalysisOptions
    /// Lines read, good or bad (blank lines excluded).
    package var lines = 0
    /// Bytes read (decompressed).
    package var bytes = 0
    /// Access records that passed the filter.
    package var requests = 0
    /// Access records the filter rejected.
    package var filteredOut = 0
    /// Well-formed records that are not access records (error logs, other events).
    package var otherRecords = 0
    /// Requests per status code 0…999.
    package var statusCounts = [Int](repeating: 0, count: 1000)
    /// Response body bytes.
    package var bytesOut: Int64 = 0
    /// Request body bytes.
    package var bytesIn: Int64 = 0
    /// Whole-input durations (fine precision).
    package var latency = LatencyHistogram(precision: .fine, exactFirst: false)
    /// Earliest request timestamp, µs.
    package var firstTimestamp: Int64 = .max
    /// Latest request timestamp, µs.
    package var lastTimestamp: Int64 = .min
    /// Requests per minute (minute index since the epoch), for peak rates.
    package var perMinute: [Int64: Int] = [:]
    /// Timeline buckets by bucket index, when asked for.
    package var timeline: [Int64: TimeBucket] = [:]
    /// One table per requested grouping.
    package var groups: [GroupTable]
    /// Requests slower than the threshold.
    package var slowCount = 0
    /// The slowest requests over the threshold, slowest first.
    package var slowest: [SlowRequest] = []
    /// Error log records grouped by message.
    package var errorRecords = GroupTable(tracksLatency: false)
    /// Unusable input.
    package var diagnostics: InputDiagnostics

    /// Creates an empty aggregate for `options`.
    package init(options: AnalysisOptions) {
        self.options = options
        self.groups = options.groupings.map { GroupTable(tracksLatency: $0.tracksLatency) }
        self.diagnostics = InputDiagnostics(sampleLimit: options.sampleLimit)
    }

    /// The table for `grouping`, if it was requested.
    package func table(for grouping: Grouping) -> GroupTable? {
        self.options.groupings.firstIndex(of: grouping).map { self.groups[$0] }
    }

    /// Requests with a 5xx status.
    package var serverErrors: Int { self.statusCounts[500..<600].reduce(0, +) }

    /// Requests with a 4xx status.
    package var clientErrors: Int { self.statusCounts[400..<500].reduce(0, +) }
}

extension Aggregate {
    /// Adds a partial aggregate computed with the same options.
    package mutating func merge(_ other: Aggregate) {
        self.lines += other.lines
        self.bytes += other.bytes
        self.requests += other.requests
        self.filteredOut += other.filteredOut
        self.otherRecords += other.otherRecords
        for index in self.statusCounts.indices {
            self.statusCounts[index] += other.statusCounts[index]
        }
        self.bytesOut &+= other.bytesOut
        self.bytesIn &+= other.bytesIn
        self.latency.merge(other.latency)
        self.firstTimestamp = min(self.firstTimestamp, other.firstTimestamp)
        self.lastTimestamp = max(self.lastTimestamp, other.lastTimestamp)
        self.perMinute.merge(other.perMinute, uniquingKeysWith: +)
        for (index, bucket) in other.timeline {
            self.timeline[index, default: TimeBucket()].merge(bucket)
        }
        for index in self.groups.indices {
            self.groups[index].merge(other.groups[index])
        }
        self.slowCount += other.slowCount
        self.slowest = Array(
            (self.slowest + other.slowest).sorted { $0.durationMicroseconds > $1.durationMicroseconds }.prefix(self.options.slowestLimit)
        )
        self.errorRecords.merge(other.errorRecords)
        self.diagnostics.merge(other.diagnostics)
    }
}

extension Aggregate {
    /// The key used for records that lack the grouped field.
    static let missingKey: [UInt8] = Array("-".utf8)

    /// Counts one access record that passed the filter.
    @inline(__always)
    mutating func add(access record: ParsedRecord) {
        self.requests += 1
        let status = record.status
        let duration = record.durationMicroseconds
        let timestamp = record.timestamp
        self.statusCounts[status] += 1
        self.bytesOut &+= record.bytesOut
        self.bytesIn &+= record.bytesIn
        self.latency.record(duration)
        if timestamp < self.firstTimestamp {
            self.firstTimestamp = timestamp
        }
        if timestamp > self.lastTimestamp {
            self.lastTimestamp = timestamp
        }
        self.perMinute[CivilCalendar.floorDivide(timestamp, 60_000_000).quotient, default: 0] += 1
        if let width = self.options.timelineBucket {
            self.timeline[CivilCalendar.floorDivide(timestamp, width).quotient, default: TimeBucket()].add(
                status: status,
                durationMicroseconds: duration
            )
        }
        for index in self.groups.indices {
            let grouping = self.options.groupings[index]
            if grouping.serverErrorsOnly, status < 500 {
                continue
            }
            if let threshold = grouping.slowerThan, duration <= threshold {
                continue
            }
            Self.withKey(grouping.key, record) { key in
                self.groups[index].add(key, status: status, durationMicroseconds: duration, bytesOut: record.bytesOut, timestamp: timestamp)
            }
        }
        if let threshold = self.options.slowThreshold, duration > threshold {
            self.addSlow(record)
        }
    }

    /// Keeps a slow request if it is among the slowest.
    private mutating func addSlow(_ record: ParsedRecord) {
        self.slowCount += 1
        let limit = self.options.slowestLimit
        guard limit > 0 else { return }
        if self.slowest.count == limit, let last = self.slowest.last, last.durationMicroseconds >= record.durationMicroseconds {
            return
        }
        let request = SlowRequest(
            timestamp: record.timestamp,
            durationMicroseconds: record.durationMicroseconds,
            status: record.status,
            method: record.string(.known(.method)) ?? "-",
            path: record.string(.known(.path)) ?? "-",
            requestID: record.string(.known(.requestID)) ?? ""
        )
        let position = self.slowest.firstIndex { $0.durationMicroseconds < request.durationMicroseconds } ?? self.slowest.count
        self.slowest.insert(request, at: position)
        if self.slowest.count > limit {
            self.slowest.removeLast()
        }
    }

    /// Counts a non-access record; error-level log records are grouped by message when asked.
    mutating func add(other record: ParsedRecord) {
        self.otherRecords += 1
        guard self.options.collectErrorRecords, record.kind == .log else { return }
        let level = record.rawBytes(.known(.level))
        guard RecordDecoding.equals(level, "error") || RecordDecoding.equals(level, "critical") else { return }
        let message = record.has(.known(.message)) ? record.rawBytes(.known(.message)) : record.rawBytes(.known(.event))
        self.errorRecords.add(message, status: 0, durationMicroseconds: 0, bytesOut: 0, timestamp: record.timestamp)
    }

    /// Calls `body` with the bytes `record` groups under for `key`.
    @inline(__always)
    static func withKey(_ key: GroupKey, _ record: ParsedRecord, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch key {
        case .field(let field):
            if record.has(field) {
                body(record.rawBytes(field))
            } else {
                Self.missingKey.withUnsafeBufferPointer(body)
            }
        case .routeOrPath:
            if record.has(.known(.route)) {
                body(record.rawBytes(.known(.route)))
            } else if record.has(.known(.path)) {
                body(record.rawBytes(.known(.path)))
            } else {
                Self.missingKey.withUnsafeBufferPointer(body)
            }
        case .errorSignature:
            var signature = Array(String(record.status).utf8)
            signature.append(0x20)
            signature.append(contentsOf: record.has(.known(.method)) ? Array(record.rawBytes(.known(.method))) : Self.missingKey)
            signature.append(0x20)
            Self.withKey(.routeOrPath, record) { signature.append(contentsOf: $0) }
            signature.withUnsafeBufferPointer(body)
        }
    }
}

/// What one pass over the input computes.
package struct AnalysisOptions: Sendable {
    /// Group-by tables to fill.
    package var groupings: [Grouping] = []
    /// Timeline bucket width in µs, or nil for no timeline.
    package var timelineBucket: Int64?
    /// Requests slower than this (µs) are listed by `slow`, or nil.
    package var slowThreshold: Int64?
    /// How many of the slowest requests `slow` keeps.
    package var slowestLimit = 20
    /// Whether error log records are grouped by message.
    package var collectErrorRecords = false
    /// The `--where` filter.
    package var filter: FilterExpression?
    /// Non-schema keys the parser must locate (from ``FieldCatalog``).
    package var extraKeys: [String] = []
    /// Longer lines are skipped and counted as ``InputProblem/lineTooLong``.
    package var maxLineBytes = 1 << 20
    /// Parsing threads; defaults to the number of CPUs.
    package var workers = 0
    /// How many problem lines are kept for the stderr report.
    package var sampleLimit = 5

    /// Creates default options.
    package init() {}
}

/// One bad line kept for the report: where it was and what was wrong.
package struct ProblemSample: Sendable {
    /// The kind.
    package var problem: InputProblem
    /// The source's name (path or `-`).
    package var source: String
    /// 1-based line number, 0 for whole-file problems.
    package var line: Int
    /// More detail, possibly empty.
    package var detail: String
    /// Index of the source, for ordering.
    var sourceIndex: Int
    /// Index of the block within the source; resolved into `line` after the pass.
    var block: Int
    /// 1-based line within the block.
    var lineInBlock: Int

    /// The `file:line: kind (detail)` form for stderr.
    package var description: String {
        let location = self.line > 0 ? "\(self.source):\(self.line)" : self.source
        return self.detail.isEmpty ? "\(location): \(self.problem)" : "\(location): \(self.problem) (\(self.detail))"
    }
}

/// One slow request kept for `slow`.
package struct SlowRequest: Sendable {
    /// When it finished, µs since the epoch.
    package var timestamp: Int64
    /// Duration in µs.
    package var durationMicroseconds: Int64
    /// Response status.
    package var status: Int
    /// Request method.
    package var method: String
    /// Request path.
    package var path: String
    /// Request id, or empty.
    package var requestID: String
}

/// Requests within one timeline bucket.
package struct TimeBucket: Sendable {
    /// Requests.
    package var count = 0
    /// 5xx responses.
    package var serverErrors = 0
    /// 4xx responses.
    package var clientErrors = 0
    /// Durations, coarse precision (percentiles within 1 %).
    package var latency = LatencyHistogram(precision: .coarse)

    /// Counts one request.
    @inline(__always)
    mutating func add(status: Int, durationMicroseconds: Int64) {
        self.count += 1
        if status >= 500 {
            self.serverErrors += 1
        } else if status >= 400 {
            self.clientErrors += 1
        }
        self.latency.record(durationMicroseconds)
    }

    /// Adds another partial bucket.
    mutating func merge(_ other: TimeBucket) {
        self.count += other.count
        self.serverErrors += other.serverErrors
        self.clientErrors += other.clientErrors
        self.latency.merge(other.latency)
    }
}

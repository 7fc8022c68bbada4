import SwiftcornFormat

/// Requests grouped by the bytes of one key, e.g. per path or per client.
package struct GroupTable: Sendable {
    /// The interned keys.
    private var keys = ByteKeyTable()
    /// Stats per key index.
    private var stats: [GroupStats] = []
    /// Whether each group keeps a latency histogram (needed for p99 sorting).
    package let tracksLatency: Bool

    /// Creates an empty table.
    package init(tracksLatency: Bool) {
        self.tracksLatency = tracksLatency
    }

    /// Number of distinct keys.
    package var count: Int { self.keys.count }

    /// Counts one request under `key`.
    @inline(__always)
    mutating func add(_ key: UnsafeBufferPointer<UInt8>, status: Int, durationMicroseconds: Int64, bytesOut: Int64, timestamp: Int64) {
        let index = self.keys.index(of: key)
        if index == self.stats.count {
            self.stats.append(GroupStats(tracksLatency: self.tracksLatency))
        }
        self.stats[index].add(status: status, durationMicroseconds: durationMicroseconds, bytesOut: bytesOut, timestamp: timestamp)
    }

    /// Adds another partial table of the same grouping.
    mutating func merge(_ other: GroupTable) {
        for index in 0..<other.count {
            let key = other.keys.key(at: index)
            let target = key.withUnsafeBufferPointer { self.keys.index(of: $0) }
            if target == self.stats.count {
                self.stats.append(GroupStats(tracksLatency: self.tracksLatency))
            }
            self.stats[target].merge(other.stats[index])
        }
    }

    /// Every group with its key decoded for display.
    package var entries: [(key: String, stats: GroupStats)] {
        (0..<self.count).map { index in
            let key = self.keys.key(at: index).withUnsafeBufferPointer { JSONStringDecoding.decode($0) }
            return (key, self.stats[index])
        }
    }
}

/// What requests are grouped by in a table.
package enum GroupKey: Sendable, Hashable, CustomStringConvertible {
    /// The value of one field (or any other JSON key); records without it group under `-`.
    case field(FieldReference)
    /// The route template when the record has one, otherwise the path: low cardinality when
    /// the app sets routes, still useful when it does not.
    case routeOrPath
    /// `status method route-or-path`, for grouping server errors.
    case errorSignature

    /// Parses a `--by` name: schema fields and aliases, `route` (route or path), or any other key.
    package static func named(_ name: String, catalog: FieldCatalog) -> GroupKey {
        if name == "route" {
            return .routeOrPath
        }
        return .field(catalog.reference(for: name))
    }

    /// A short human-readable form, for logs and messages.
    package var description: String {
        switch self {
        case .field(let field): field.name
        case .routeOrPath: "route"
        case .errorSignature: "error"
        }
    }
}

/// What is known about the requests that share one group key.
package struct GroupStats: Sendable {
    /// Requests in the group.
    package var count = 0
    /// Responses with a 5xx status.
    package var serverErrors = 0
    /// Responses with a 4xx status.
    package var clientErrors = 0
    /// Response body bytes.
    package var bytesOut: Int64 = 0
    /// Earliest timestamp seen, µs since the epoch.
    package var firstSeen: Int64 = .max
    /// Latest timestamp seen, µs since the epoch.
    package var lastSeen: Int64 = .min
    /// Durations, when the table tracks latency.
    package var latency: LatencyHistogram?

    /// Creates empty stats, with a coarse latency histogram when `tracksLatency`.
    init(tracksLatency: Bool) {
        self.latency = tracksLatency ? LatencyHistogram(precision: .coarse) : nil
    }

    /// Counts one request.
    @inline(__always)
    mutating func add(status: Int, durationMicroseconds: Int64, bytesOut: Int64, timestamp: Int64) {
        self.count += 1
        if status >= 500 {
            self.serverErrors += 1
        } else if status >= 400 {
            self.clientErrors += 1
        }
        self.bytesOut &+= bytesOut
        if timestamp < self.firstSeen {
            self.firstSeen = timestamp
        }
        if timestamp > self.lastSeen {
            self.lastSeen = timestamp
        }
        self.latency?.record(durationMicroseconds)
    }

    /// Adds another partial result for the same key.
    mutating func merge(_ other: GroupStats) {
        self.count += other.count
        self.serverErrors += other.serverErrors
        self.clientErrors += other.clientErrors
        self.bytesOut &+= other.bytesOut
        self.firstSeen = min(self.firstSeen, other.firstSeen)
        self.lastSeen = max(self.lastSeen, other.lastSeen)
        if let latency = other.latency {
            self.latency?.merge(latency)
        }
    }
}

/// One group-by table an analysis fills.
package struct Grouping: Sendable, Hashable {
    /// The key.
    package var key: GroupKey
    /// Whether groups keep latency histograms (p99 per group costs memory).
    package var tracksLatency: Bool
    /// Whether only 5xx responses are counted.
    package var serverErrorsOnly: Bool
    /// When set, only requests slower than this many µs are counted.
    package var slowerThan: Int64?

    /// Creates a grouping.
    package init(_ key: GroupKey, tracksLatency: Bool, serverErrorsOnly: Bool = false, slowerThan: Int64? = nil) {
        self.key = key
        self.tracksLatency = tracksLatency
        self.serverErrorsOnly = serverErrorsOnly
        self.slowerThan = slowerThan
    }
}

/// Assigns parser slots to the non-schema keys commands ask for, while options are being built.
package final class FieldCatalog {
    /// Non-schema keys in slot order.
    package private(set) var extraKeys: [String] = []

    /// Creates an empty catalog.
    package init() {}

    /// The reference for a key name: a schema field (or alias), or an extra key with its slot.
    package func reference(for name: String) -> FieldReference {
        if let field = RecordField(name: name) {
            return .known(field)
        }
        if let slot = self.extraKeys.firstIndex(of: name) {
            return .extra(name: name, slot: slot)
        }
        self.extraKeys.append(name)
        return .extra(name: name, slot: self.extraKeys.count - 1)
    }
}

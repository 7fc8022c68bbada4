import SwiftcornTime

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

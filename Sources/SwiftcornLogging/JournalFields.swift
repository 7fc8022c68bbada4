import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Journal field names: `[A-Z0-9_]`, at most 64 bytes, not starting with `_` or a digit.
enum JournalFieldName {
    /// Fields the sink sets itself; metadata keys that would collide get a `META_` prefix.
    static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "SWIFTCORN_EVENT", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "WORKER",
        "HTTP_METHOD", "URL_PATH", "HTTP_ROUTE", "HTTP_STATUS", "DURATION_US", "BYTES_IN", "BYTES_OUT", "REMOTE_ADDR",
        "USER_AGENT", "REQUEST_ID", "MESSAGE_ID", "SYSLOG_FACILITY", "SYSLOG_PID",
    ]

    static func forMetadataKey(_ key: String) -> String {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") ? Character(scalar) : "_"
            }
        )
        if name.isEmpty || name.first == "_" || name.first!.isNumber || Self.reserved.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }
}

/// The `NAME=value` fields of one journal entry in one buffer, and their `iovec`s.
struct JournalFields {
    private var bytes: [UInt8] = []
    private var ranges: [(offset: Int, count: Int)] = []
    private var vectors: [iovec] = []

    init() {
        self.bytes.reserveCapacity(1024)
        self.ranges.reserveCapacity(24)
        self.vectors.reserveCapacity(24)
    }

    mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.ranges.removeAll(keepingCapacity: true)
    }

    mutating func add(_ name: String, _ value: String) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        self.bytes.append(contentsOf: value.utf8)
        self.ranges.append((start, self.bytes.count - start))
    }

    mutating func add(_ name: String, _ value: [UInt8]) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        self.bytes.append(contentsOf: value)
        self.ranges.append((start, self.bytes.count - start))
    }

    /// `NAME=digits`, the digits written straight into the buffer.
    mutating func add(_ name: String, _ value: Int) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        if value < 0 { self.bytes.append(UInt8(ascii: "-")) }
        let digitsStart = self.bytes.count
        var rest = value.magnitude
        repeat {
            self.bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        } while rest > 0
        self.bytes[digitsStart...].reverse()
        self.ranges.append((start, self.bytes.count - start))
    }

    /// Sends the entry; 0 or a negative errno. The `iovec`s are rebuilt in reused memory.
    mutating func send() -> Int32 {
        self.vectors.removeAll(keepingCapacity: true)
        return self.bytes.withUnsafeBufferPointer { base in
            for range in self.ranges {
                self.vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base.baseAddress! + range.offset), iov_len: range.count))
            }
            return sd_journal_sendv(&self.vectors, Int32(self.vectors.count))
        }
    }
}

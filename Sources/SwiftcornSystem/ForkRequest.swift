#if canImport(Glibc)
import Glibc
#endif

/// What the master asks its fork server for: one worker process, with its slots.
///
/// Travels as one `SOCK_SEQPACKET` message of three int64 words; the answer is one int64, the
/// new worker's pid, or `-errno`.
public struct ForkRequest: Sendable, Equatable {
    /// The worker index, 1…N.
    public var index: Int
    /// The heartbeat slot the worker stamps.
    public var heartbeatSlot: Int
    /// The metrics slot lent to the worker; `nil` when metrics are off.
    public var metricsSlot: Int?

    /// A request for the worker of `index`.
    public init(index: Int, heartbeatSlot: Int, metricsSlot: Int?) {
        self.index = index
        self.heartbeatSlot = heartbeatSlot
        self.metricsSlot = metricsSlot
    }

    /// The size of a request on the wire.
    public static let size = 3 * MemoryLayout<Int64>.size

    /// Why a fork server refuses every request, as the negative `errno` it answers with.
    public enum Refusal: Sendable, CaseIterable {
        /// It has more than one thread: a fork would copy one thread of a multithreaded process.
        case threads
        /// It cannot read the configuration the master handed over.
        case configuration
        /// Code that ran before `Swiftcorn.main` opened descriptors, which every worker would share.
        case descriptors

        /// The `errno` that stands for it on the wire.
        public var errno: Int32 {
            switch self {
            case .threads: EDEADLK
            case .configuration: EINVAL
            case .descriptors: EBADFD
            }
        }

        /// The refusal `errno` stands for, if any.
        public init?(errno: Int32) {
            guard let refusal = Self.allCases.first(where: { $0.errno == errno }) else { return nil }
            self = refusal
        }

        /// What the master logs.
        public var reason: String {
            switch self {
            case .threads: "the fork server has more than one thread"
            case .configuration: "the fork server cannot read its configuration"
            case .descriptors:
                "descriptors were opened before Swiftcorn.main, which forked workers would share; build per-worker state in makeApp"
            }
        }
    }

    /// The three words on the wire.
    public var words: (Int64, Int64, Int64) {
        (Int64(self.index), Int64(self.heartbeatSlot), Int64(self.metricsSlot ?? -1))
    }

    /// Reads the three words of a request.
    public init(words: (Int64, Int64, Int64)) {
        self.init(index: Int(words.0), heartbeatSlot: Int(words.1), metricsSlot: words.2 < 0 ? nil : Int(words.2))
    }
}

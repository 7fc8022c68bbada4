#if canImport(Glibc)
import Glibc
#endif

/// What the master asks its fork server for: one worker process, with its assignment.
///
/// Travels as one `SOCK_SEQPACKET` message of three int64 words (index, slot, measured); the
/// answer is one int64, the new worker's pid, or `-errno`.
package struct ForkRequest: Sendable, Equatable {
    /// The worker to fork.
    package var assignment: WorkerLaunch.Assignment

    /// A request for the worker `assignment` describes.
    package init(_ assignment: WorkerLaunch.Assignment) {
        self.assignment = assignment
    }

    /// The size of a request on the wire.
    package static let size = 3 * MemoryLayout<Int64>.size

    /// Why a fork server refuses every request, as the negative `errno` it answers with.
    package enum Refusal: Sendable, CaseIterable {
        /// It has more than one thread: a fork would copy one thread of a multithreaded process.
        case threads
        /// It cannot read the configuration the master handed over.
        case configuration
        /// Code that ran before `Swiftcorn.main` opened descriptors, which every worker would share.
        case descriptors

        /// The `errno` that stands for it on the wire.
        package var errno: Int32 {
            switch self {
            case .threads: EDEADLK
            case .configuration: EINVAL
            case .descriptors: EBADFD
            }
        }

        /// The refusal `errno` stands for, if any.
        package init?(errno: Int32) {
            guard let refusal = Self.allCases.first(where: { $0.errno == errno }) else { return nil }
            self = refusal
        }

        /// What the master logs.
        package var reason: String {
            switch self {
            case .threads: "the fork server has more than one thread"
            case .configuration: "the fork server cannot read its configuration"
            case .descriptors:
                "descriptors were opened before Swiftcorn.main, which forked workers would share; build per-worker state in makeApp"
            }
        }
    }

    /// The three words on the wire.
    package var words: (Int64, Int64, Int64) {
        (Int64(self.assignment.index), Int64(self.assignment.slot), self.assignment.measured ? 1 : 0)
    }

    /// Reads the three words of a request.
    package init(words: (Int64, Int64, Int64)) {
        self.init(WorkerLaunch.Assignment(index: Int(words.0), slot: Int(words.1), measured: words.2 != 0))
    }
}

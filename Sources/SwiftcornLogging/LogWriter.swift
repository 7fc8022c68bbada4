import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes log lines on a thread of its own, so no file or pipe write ever runs on an event loop.
///
/// Producers hand lines over through a bounded queue. When it is full, `block` makes the
/// producer wait (backpressure: nothing is lost) and `drop` discards the line and counts it. The
/// writer takes everything queued at once and writes it with one `write` per destination, so a
/// burst costs one system call and a line is never split.
public final class LogWriter: @unchecked Sendable {
    /// What a full queue does to a producer.
    public enum OverflowPolicy: String, Sendable {
        /// Wait until the writer catches up.
        case block
        /// Discard the line and count it.
        case drop
    }

    private let destinations: [LogDestination]
    private let capacity: Int
    private let policy: OverflowPolicy
    // A pthread mutex and conditions rather than `Mutex`: producers and the writer wait on them.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let drained = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`.
    private var queue: [[UInt8]] = []
    private var writing = false
    private var stopping = false
    private var descriptors: [Int32] = []
    /// Whether each destination is a regular file (else a pipe, a terminal or a socket).
    private var regularFiles: [Bool] = []
    private let droppedCount = Atomic<Int>(0)
    private let writtenCount = Atomic<Int>(0)

    /// Starts a writer for `destinations`.
    public init(destinations: [LogDestination], capacity: Int = 8192, policy: OverflowPolicy = .block) {
        self.destinations = destinations
        self.capacity = max(1, capacity)
        self.policy = policy
        pthread_mutex_init(self.lock, nil)
        pthread_cond_init(self.notEmpty, nil)
        pthread_cond_init(self.notFull, nil)
        pthread_cond_init(self.drained, nil)
        self.descriptors = destinations.map { $0.open() }
        self.regularFiles = self.descriptors.map(Self.isRegularFile)
        let retained = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        pthread_create(
            &thread,
            nil,
            { argument in
                Unmanaged<LogWriter>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            },
            retained
        )
        pthread_detach(thread)
    }

    /// Lines discarded by the `drop` policy so far.
    public var dropped: Int { self.droppedCount.load(ordering: .relaxed) }

    /// Lines written so far.
    public var written: Int { self.writtenCount.load(ordering: .relaxed) }

    /// Queues `line`, which ends with a newline.
    public func submit(_ line: [UInt8]) {
        pthread_mutex_lock(self.lock)
        while self.queue.count >= self.capacity && !self.stopping {
            if self.policy == .drop {
                pthread_mutex_unlock(self.lock)
                self.droppedCount.add(1, ordering: .relaxed)
                return
            }
            pthread_cond_wait(self.notFull, self.lock)
        }
        self.queue.append(line)
        if self.queue.count == 1 {
            pthread_cond_signal(self.notEmpty)
        }
        pthread_mutex_unlock(self.lock)
    }

    /// Waits until every line queued so far is written.
    public func flush() {
        pthread_mutex_lock(self.lock)
        while !self.queue.isEmpty || self.writing {
            pthread_cond_wait(self.drained, self.lock)
        }
        pthread_mutex_unlock(self.lock)
    }

    /// Reopens file destinations, for rotation by an outside tool (USR1).
    public func reopen() {
        pthread_mutex_lock(self.lock)
        defer { pthread_mutex_unlock(self.lock) }
        for (index, destination) in self.destinations.enumerated() {
            guard case .file = destination else { continue }
            let fresh = destination.open()
            guard fresh >= 0 else { continue }
            close(self.descriptors[index])
            self.descriptors[index] = fresh
            self.regularFiles[index] = Self.isRegularFile(fresh)
        }
    }

    private func run() {
        var batch: [UInt8] = []
        while true {
            pthread_mutex_lock(self.lock)
            while self.queue.isEmpty {
                self.writing = false
                pthread_cond_broadcast(self.drained)
                pthread_cond_wait(self.notEmpty, self.lock)
            }
            let lines = self.queue
            self.queue.removeAll(keepingCapacity: true)
            self.writing = true
            let descriptors = self.descriptors
            let regularFiles = self.regularFiles
            pthread_cond_broadcast(self.notFull)
            pthread_mutex_unlock(self.lock)

            for (descriptor, isRegularFile) in zip(descriptors, regularFiles) where descriptor >= 0 {
                // An appending write to a regular file lands whole. On a pipe, only writes up to
                // PIPE_BUF do, and every worker shares the master's stdout: keep batches below it.
                let limit = isRegularFile ? Int.max : Int(PIPE_BUF)
                batch.removeAll(keepingCapacity: true)
                for line in lines {
                    if !batch.isEmpty && batch.count + line.count > limit {
                        Self.writeAll(batch, to: descriptor)
                        batch.removeAll(keepingCapacity: true)
                    }
                    batch.append(contentsOf: line)
                }
                Self.writeAll(batch, to: descriptor)
            }
            self.writtenCount.add(lines.count, ordering: .relaxed)
        }
    }

    private static func isRegularFile(_ descriptor: Int32) -> Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += count
            }
        }
    }
}

import SwiftcornConfig
import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes log records on a thread of its own, so no file, pipe or journald write ever runs on an
/// event loop.
///
/// Producers hand records over through a bounded queue. When it is full, `block` makes the
/// producer wait (backpressure: nothing is lost) and `drop` discards the record and counts it;
/// the writer then reports the drops itself, in a warning record. Each wake-up takes everything
/// queued and gives it to every sink at once, so a burst costs one system call per sink.
package final class LogWriter: @unchecked Sendable {
    private let sinks: [any LogSink]
    private let capacity: Int
    /// Queued records that end a batch's wait: ``batchTarget``, or half a smaller queue, so
    /// producers never wait on a full queue for the writer's timer.
    private let batchSize: Int
    private let policy: LogOverflow
    private let identity: (worker: Int, pid: Int32)
    // A pthread mutex and conditions rather than `Mutex`: producers and the writer wait on them.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let idle = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`.
    private var queue: [LogEntry] = []
    private var writing = false
    /// The writer is waiting for a batch to fill (see ``batchDelayMicroseconds``).
    private var gathering = false
    /// Callers of ``flush()`` waiting; the writer then writes at once.
    private var flushWaiters = 0
    private var reopenRequested = false
    private var droppedSinceReport = 0
    /// ``finish()`` was called; the thread ends once the queue is empty.
    private var finishing = false
    private var finished = false
    private let droppedCount = Atomic<Int>(0)
    private let writtenCount = Atomic<Int>(0)
    private let fallbackCount = Atomic<Int>(0)

    /// Where the records go.
    package let destinations: [LogDestination]

    /// Starts a writer thread for `destinations`.
    ///
    /// - Parameters:
    ///   - destinations: Where records go.
    ///   - format: How streams and files render records.
    ///   - journalIdentifier: journald's `SYSLOG_IDENTIFIER`.
    ///   - capacity: Records the queue holds.
    ///   - policy: What a full queue does.
    ///   - worker: The worker index (0 in the master), for the writer's own records.
    package init(
        destinations: [LogDestination],
        format: LogFormat = .json,
        journalIdentifier: String = "swiftcorn",
        capacity: Int = 8192,
        policy: LogOverflow = .block,
        worker: Int = 0
    ) {
        self.destinations = destinations
        self.capacity = max(1, capacity)
        self.batchSize = min(Self.batchTarget, max(1, self.capacity / 2))
        self.policy = policy
        self.identity = (worker, getpid())
        self.sinks = destinations.map { $0.makeSink(format: format, journalIdentifier: journalIdentifier, worker: worker) }
        pthread_mutex_init(self.lock, nil)
        var monotonic = pthread_condattr_t()
        pthread_condattr_init(&monotonic)
        pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC)
        pthread_cond_init(self.notEmpty, &monotonic)
        pthread_condattr_destroy(&monotonic)
        pthread_cond_init(self.notFull, nil)
        pthread_cond_init(self.idle, nil)
        if !DetachedThread.start({ self.run() }) {
            // No thread to write: nothing waits for one (finish, flush); records go nowhere, as
            // they would were the process out of memory.
            self.finished = true
            FileOutput.standardError("swiftcorn: cannot start a log writer thread; its records are lost\n")
        }
    }

    deinit {
        pthread_mutex_destroy(self.lock)
        pthread_cond_destroy(self.notEmpty)
        pthread_cond_destroy(self.notFull)
        pthread_cond_destroy(self.idle)
        self.lock.deallocate()
        self.notEmpty.deallocate()
        self.notFull.deallocate()
        self.idle.deallocate()
    }

    /// Below this many queued records the writer waits up to ``batchDelayMicroseconds`` for more.
    static let batchTarget = 256
    static let batchDelayMicroseconds: UInt32 = 10_000

    /// Records discarded by the `drop` policy so far.
    package var dropped: Int { self.droppedCount.load(ordering: .relaxed) }

    /// Records handed to the sinks so far.
    package var written: Int { self.writtenCount.load(ordering: .relaxed) }

    /// Records journald refused and standard error took.
    package var fellBack: Int { self.fallbackCount.load(ordering: .relaxed) }

    /// Queues `entry`.
    package func submit(_ entry: LogEntry) {
        self.submit(entry, bypassingLimit: false)
    }

    /// Queues `entry`; a report of dropped records bypasses the limit, or its count would be lost too.
    func submit(_ entry: LogEntry, bypassingLimit: Bool) {
        pthread_mutex_lock(self.lock)
        if self.finished && !self.finishing {
            pthread_mutex_unlock(self.lock)
            return
        }
        if self.finishing {
            // After what this writer still holds, so the lines stay in order.
            while !self.finished {
                pthread_cond_wait(self.idle, self.lock)
            }
            pthread_mutex_unlock(self.lock)
            // A logger that read the writer just before it was replaced: the new one takes it.
            let current = ErrorLog.writer
            if current !== self { current.submit(entry, bypassingLimit: bypassingLimit) }
            return
        }
        while self.queue.count >= self.capacity && !bypassingLimit {
            if self.policy == .drop {
                self.droppedSinceReport += 1
                pthread_mutex_unlock(self.lock)
                self.droppedCount.add(1, ordering: .relaxed)
                return
            }
            pthread_cond_wait(self.notFull, self.lock)
        }
        self.queue.append(entry)
        if self.queue.count == 1 || (self.gathering && self.queue.count == self.batchSize) {
            pthread_cond_signal(self.notEmpty)
        }
        pthread_mutex_unlock(self.lock)
    }

    /// Waits until every record queued so far is written.
    package func flush() {
        pthread_mutex_lock(self.lock)
        self.flushWaiters += 1
        pthread_cond_signal(self.notEmpty)
        while (!self.queue.isEmpty || self.writing) && !self.finished {
            pthread_cond_wait(self.idle, self.lock)
        }
        self.flushWaiters -= 1
        pthread_mutex_unlock(self.lock)
    }

    /// Writes everything queued, closes the destinations and ends the writer thread; records
    /// submitted afterwards go to the error log's current writer. For a writer being replaced.
    package func finish() {
        pthread_mutex_lock(self.lock)
        self.finishing = true
        pthread_cond_signal(self.notEmpty)
        while !self.finished {
            pthread_cond_wait(self.idle, self.lock)
        }
        pthread_mutex_unlock(self.lock)
    }

    /// Reopens file destinations before the next write, after they were moved (USR1).
    package func reopen() {
        pthread_mutex_lock(self.lock)
        self.reopenRequested = true
        pthread_cond_signal(self.notEmpty)
        pthread_mutex_unlock(self.lock)
    }

    /// Waits, `lock` held, up to ``batchDelayMicroseconds`` for a batch to fill.
    ///
    /// One wake-up and one write per record would cost the producers a futex wake each and the
    /// machine a context switch each, and a log line 10 ms late costs nobody anything. Each
    /// timed wake-up still costs tens of microseconds on a virtual machine: at 1 ms the JSON file
    /// log cost ~1 µs more per request than at 4 or 10 ms. A full batch, a flush, a reopen or
    /// the end cut the wait short.
    private func gatherBatch() {
        guard self.shouldGather else { return }
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_nsec += Int(Self.batchDelayMicroseconds) * 1000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        self.gathering = true
        while self.shouldGather && pthread_cond_timedwait(self.notEmpty, self.lock, &deadline) != ETIMEDOUT {}
        self.gathering = false
    }

    /// Whether the writer may wait for more records before writing. Called with `lock` held.
    private var shouldGather: Bool {
        self.queue.count < self.batchSize && !self.reopenRequested && !self.finishing && self.flushWaiters == 0
    }

    private func run() {
        while true {
            pthread_mutex_lock(self.lock)
            while self.queue.isEmpty && !self.reopenRequested {
                self.writing = false
                if self.finishing {
                    for sink in self.sinks { sink.close() }
                    self.finished = true
                    pthread_cond_broadcast(self.idle)
                    pthread_mutex_unlock(self.lock)
                    return
                }
                pthread_cond_broadcast(self.idle)
                pthread_cond_wait(self.notEmpty, self.lock)
            }
            self.gatherBatch()
            var entries = self.queue
            self.queue.removeAll(keepingCapacity: true)
            let reopen = self.reopenRequested
            self.reopenRequested = false
            let dropped = self.droppedSinceReport
            self.droppedSinceReport = 0
            self.writing = true
            pthread_cond_broadcast(self.notFull)
            pthread_mutex_unlock(self.lock)

            if reopen {
                for sink in self.sinks { sink.reopen() }
            }
            var reportedHere = false
            if dropped > 0 {
                // The warning belongs in the error log; only the error log's own writer keeps it.
                let errorLog = ErrorLog.writer
                if errorLog === self {
                    entries.append(.event(self.dropReport(dropped)))
                    reportedHere = true
                } else {
                    errorLog.submit(.event(self.dropReport(dropped)), bypassingLimit: true)
                }
            }
            guard !entries.isEmpty else { continue }
            for sink in self.sinks {
                sink.write(entries)
            }
            self.writtenCount.add(entries.count - (reportedHere ? 1 : 0), ordering: .relaxed)
            let fellBack = self.sinks.reduce(0) { $0 + (($1 as? JournalSink)?.fallbackRecords ?? 0) }
            self.fallbackCount.store(fellBack, ordering: .relaxed)
        }
    }

    private func dropReport(_ count: Int) -> EventRecord {
        .warning(
            "log queue full: records dropped",
            worker: self.identity.worker,
            pid: self.identity.pid,
            metadata: [("dropped", String(count))]
        )
    }
}

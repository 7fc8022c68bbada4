import Synchronization

/// One flush: drains the aggregator, packs the lines into datagrams and sends them, counting the outcome.
///
/// Separate from `StatsdClient` so the flush thread can hold it without keeping the client alive; the client's
/// `deinit` is what stops that thread.
package final class StatsdFlusher: Sendable {
    private let aggregator: StatsdAggregator
    private let encoder: StatsdLineEncoder
    private let socket: StatsdSocket
    private let maxDatagramSize: Int
    // Keeps datagrams of concurrent flushes (timer thread versus `flushNow`) from interleaving.
    private let flushInProgress = Mutex(())
    private let packetsSentCount = Atomic<UInt64>(0)
    private let sendErrorCount = Atomic<UInt64>(0)
    private let droppedLineCount = Atomic<UInt64>(0)
    private let lastSendErrorNumber = Atomic<Int32>(0)

    /// Datagrams handed to the kernel successfully.
    package var packetsSent: UInt64 { packetsSentCount.load(ordering: .relaxed) }
    /// Datagrams lost to a send error (refused, buffer full, ...).
    package var sendErrors: UInt64 { sendErrorCount.load(ordering: .relaxed) }
    /// Entries dropped because a single one exceeded the datagram size.
    package var droppedLines: UInt64 { droppedLineCount.load(ordering: .relaxed) }
    /// `errno` of the most recent failed send, 0 if none failed yet.
    package var lastSendError: Int32 { lastSendErrorNumber.load(ordering: .relaxed) }

    /// Creates a flusher sending `aggregator`'s content through `socket`.
    package init(aggregator: StatsdAggregator, encoder: StatsdLineEncoder, socket: StatsdSocket, maxDatagramSize: Int) {
        self.aggregator = aggregator
        self.encoder = encoder
        self.socket = socket
        self.maxDatagramSize = maxDatagramSize
    }

    /// Sends everything recorded since the previous flush; errors are counted, never thrown.
    package func flush() {
        flushInProgress.withLock { _ in
            let lines = aggregator.drain(encodingWith: encoder)
            guard !lines.isEmpty else {
                return
            }
            var packer = StatsdDatagramPacker(maxDatagramSize: maxDatagramSize)
            for line in lines {
                packer.append(line)
            }
            let datagrams = packer.finish()
            if packer.droppedLines > 0 {
                droppedLineCount.add(UInt64(packer.droppedLines), ordering: .relaxed)
            }
            for datagram in datagrams {
                if let errorNumber = socket.send(datagram) {
                    sendErrorCount.add(1, ordering: .relaxed)
                    lastSendErrorNumber.store(errorNumber, ordering: .relaxed)
                } else {
                    packetsSentCount.add(1, ordering: .relaxed)
                }
            }
        }
    }
}

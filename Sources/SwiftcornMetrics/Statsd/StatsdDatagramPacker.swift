/// Packs encoded lines into newline-separated datagrams no larger than `maxDatagramSize`.
///
/// A line is never split: statsd servers parse each datagram on its own, so half a line is a corrupt metric.
/// An entry longer than the limit on its own is dropped and counted instead.
package struct StatsdDatagramPacker {
    /// 1432 bytes fits a 1500-byte Ethernet MTU minus IPv6 and UDP headers with room to spare.
    package static let defaultMaxDatagramSize = 1432

    /// Upper bound on the size of every datagram produced.
    package let maxDatagramSize: Int
    /// Entries dropped because they alone exceed `maxDatagramSize`.
    package private(set) var droppedLines = 0

    private var finishedDatagrams: [[UInt8]] = []
    private var currentDatagram: [UInt8] = []

    /// Creates an empty packer.
    package init(maxDatagramSize: Int = StatsdDatagramPacker.defaultMaxDatagramSize) {
        self.maxDatagramSize = maxDatagramSize
    }

    /// Adds one entry (a line, or lines that must stay together, without a trailing newline).
    package mutating func append(_ line: [UInt8]) {
        guard !line.isEmpty else {
            return
        }
        guard line.count <= maxDatagramSize else {
            droppedLines += 1
            return
        }
        if currentDatagram.isEmpty {
            currentDatagram.reserveCapacity(maxDatagramSize)
        } else if currentDatagram.count + 1 + line.count <= maxDatagramSize {
            currentDatagram.append(UInt8(ascii: "\n"))
        } else {
            finishedDatagrams.append(currentDatagram)
            currentDatagram = []
            currentDatagram.reserveCapacity(maxDatagramSize)
        }
        currentDatagram.append(contentsOf: line)
    }

    /// Returns every datagram packed so far, in line order, and starts over (the dropped count is kept).
    package mutating func finish() -> [[UInt8]] {
        if !currentDatagram.isEmpty {
            finishedDatagrams.append(currentDatagram)
            currentDatagram = []
        }
        defer { finishedDatagrams = [] }
        return finishedDatagrams
    }
}

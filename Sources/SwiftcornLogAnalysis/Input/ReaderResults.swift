import Synchronization

/// Finished shard readers, collected from their threads.
final class ReaderResults: Sendable {
    /// The readers, behind a lock.
    private let readers = Mutex<[BlockReader]>([])

    /// Adds a finished reader.
    func append(_ reader: BlockReader) {
        self.readers.withLock { $0.append(reader) }
    }

    /// All finished readers.
    var all: [BlockReader] {
        self.readers.withLock { $0 }
    }
}

/// Where things are in one worker's slot of the shared metrics region.
///
/// ```
/// header       16 words  (see SlotHeader)
/// descriptors  seriesCapacity × 4 words: kind, value offset, name offset, name length
/// values       valueCapacity words, the series' atomics
/// names        nameCapacity bytes: "name\0labels" of each series
/// ```
/// The worker appends descriptors and publishes them by storing the series count with release
/// ordering; the master reads the count with acquire ordering and never reads past it.
package enum SlotLayout {
    /// Words of the header.
    package static let headerWords = 16
    /// Series one worker can register, the overflow reserve included.
    package static let seriesCapacity = 4096
    /// Of those, kept for each family's `_OTHER` series once the budget is spent.
    package static let overflowReserve = 128
    /// Words of a descriptor.
    package static let descriptorWords = 4
    /// Value words one worker can use.
    package static let valueCapacity = 65_536
    /// Bytes of series names one worker can use.
    package static let nameCapacity = 1 << 19

    /// Byte offset of the descriptors.
    package static let descriptorsOffset = headerWords * 8
    /// Byte offset of the values.
    package static let valuesOffset = descriptorsOffset + seriesCapacity * descriptorWords * 8
    /// Byte offset of the names.
    package static let namesOffset = valuesOffset + valueCapacity * 8
    /// Bytes of a slot, a whole number of pages so a worker can map its slot alone.
    package static let size = (namesOffset + nameCapacity + 4095) / 4096 * 4096
}

/// The header words of a slot.
package enum SlotHeader: Int {
    /// Published series (release/acquire).
    case seriesCount = 0
    /// Registrations refused for lack of room, folded into `_OTHER` series.
    case droppedSeries = 1
    /// Requests the worker finished.
    case requests = 2
    /// Requests in progress, as `Int64` bits.
    case inFlight = 3
    /// The worker index the slot was lent to.
    case workerIndex = 4
    /// Value words in use.
    case valuesUsed = 5
    /// Name bytes in use.
    case namesUsed = 6
}

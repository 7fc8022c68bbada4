/// A slot lent to a worker process, and how far the master has read its descriptors.
struct LentSlot {
    /// The worker index it serves.
    let workerIndex: Int
    /// The worker's pid, once spawned.
    var pid: Int32?
    /// For each of the slot's series read so far: its aggregate series and its value offset;
    /// aggregate `-1` for a series whose kind disagrees with the aggregate of that name.
    var mapping: [(aggregate: Int, offset: Int)] = []
}

/// Interns byte strings (paths, agents, addresses) to dense indices without making a String per line.
///
/// Open addressing over one contiguous key arena: a lookup hashes the bytes, probes, and compares
/// with memcmp-like loops; a new key is appended once. Dictionary<String, _> would allocate for
/// every key longer than 15 bytes on every line.
struct ByteKeyTable: Sendable {
    /// All keys' bytes, back to back.
    private var arena: [UInt8] = []
    /// Start of each key in the arena; key `i` ends at `starts[i + 1]` or the arena's end.
    private var starts: [Int] = []
    /// Each key's hash, kept for growing the slot table.
    private var hashes: [UInt64] = []
    /// Key index + 1 per slot, 0 for empty; the count is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    /// Number of distinct keys.
    var count: Int { self.starts.count }

    /// The index of `key`, inserting it when new.
    @inline(__always)
    mutating func index(of key: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(key)
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(self.slots[slot])
            if entry == 0 {
                break
            }
            if self.hashes[entry - 1] == hash, self.keyEquals(entry - 1, key) {
                return entry - 1
            }
            slot = (slot + 1) & mask
        }
        let index = self.starts.count
        self.starts.append(self.arena.count)
        self.arena.append(contentsOf: key)
        self.hashes.append(hash)
        self.slots[slot] = Int32(index + 1)
        if self.count * 2 > self.slots.count {
            self.grow()
        }
        return index
    }

    /// The bytes of key `index`.
    func key(at index: Int) -> ArraySlice<UInt8> {
        let end = index + 1 < self.starts.count ? self.starts[index + 1] : self.arena.count
        return self.arena[self.starts[index]..<end]
    }

    /// Whether key `index` equals `key`.
    @inline(__always)
    private func keyEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = self.starts[index]
        let end = index + 1 < self.starts.count ? self.starts[index + 1] : self.arena.count
        guard end - start == key.count else { return false }
        return self.arena.withUnsafeBufferPointer { arena in
            for offset in 0..<key.count where arena[start + offset] != key[offset] {
                return false
            }
            return true
        }
    }

    /// Doubles the slot table and reinserts every key.
    private mutating func grow() {
        var slots = [Int32](repeating: 0, count: self.slots.count * 2)
        let mask = slots.count - 1
        for index in self.hashes.indices {
            var slot = Int(truncatingIfNeeded: self.hashes[index]) & mask
            while slots[slot] != 0 {
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(index + 1)
        }
        self.slots = slots
    }

    /// A fast 64-bit hash: eight bytes at a time, then a final avalanche (from MurmurHash3's fmix64).
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= key.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* 0x100_0000_01B3 &+ (hash >> 29)
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < key.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0x100_0000_01B3
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}

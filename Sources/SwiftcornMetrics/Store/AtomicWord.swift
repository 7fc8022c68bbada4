import Atomics

/// The storage of one atomic 64-bit word in the shared region (swift-atomics' representation;
/// named here because the standard library's `Synchronization` has a type of the same name).
package typealias AtomicWord = UnsafeAtomic<UInt64>.Storage

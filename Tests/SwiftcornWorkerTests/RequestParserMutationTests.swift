import NIOCore
import Testing

@testable import SwiftcornWorker

/// Mutated requests, in a debug build where every unsafe buffer access is bounds-checked:
/// the parser never reads outside its bytes, never loops, and reads the same events however
/// the bytes are split.
@Suite("RequestParser: mutated input")
struct RequestParserMutationTests {
    /// A small deterministic generator (SplitMix64), so a failure names a reproducible seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Bytes a mutation inserts or writes: the grammar's delimiters, and the awkward rest.
    static let interesting: [UInt8] = Array("\r\n :;,0aF-\t\"".utf8) + [0, 0x7F, 0x80, 0xFF]

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let byte = Bool.random(using: &random) ? Self.interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: if bytes.count > 1 { bytes.remove(at: position) }
            }
        }
        return bytes
    }

    @Test("20,000 mutations of pipelined requests", arguments: [1 as UInt64, 2, 3, 4])
    func mutations(seed: UInt64) {
        var random = SplitMix(state: seed)
        let base = Array(RequestParserTests.pipelined.utf8)
        for round in 0..<5_000 {
            let bytes = Self.mutate(base, using: &random)
            let split = Int.random(in: 1..<bytes.count, using: &random)
            let whole = RequestParserTests.events([String(decoding: bytes, as: UTF8.self)])
            let halves = RequestParserTests.events([
                String(decoding: bytes[..<split], as: UTF8.self), String(decoding: bytes[split...], as: UTF8.self),
            ])
            // Strings repair invalid UTF-8 the same way whole or split only when no sequence
            // straddles the split; compare only inputs without such bytes.
            if bytes.allSatisfy({ $0 < 0x80 }) {
                #expect(whole == halves, "seed \(seed), round \(round), split \(split)")
            }
        }
    }
}

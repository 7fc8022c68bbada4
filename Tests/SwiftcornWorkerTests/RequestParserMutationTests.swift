import NIOCore
import SwiftcornTestKit
import Testing

@testable import SwiftcornWorker

/// Mutated requests, in a debug build where every unsafe buffer access is bounds-checked:
/// the parser never reads outside its bytes, never loops, and reads the same events however
/// the bytes are split.
@Suite("RequestParser: mutated input")
struct RequestParserMutationTests {
    /// Bytes a mutation inserts or writes: the grammar's delimiters, and the awkward rest.
    static let interesting: [UInt8] = Array("\r\n :;,0aF-\t\"".utf8) + [0, 0x7F, 0x80, 0xFF]

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
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
        var random = SplitMix64(seed: seed)
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

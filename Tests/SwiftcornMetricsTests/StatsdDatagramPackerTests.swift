import SwiftcornTestKit
import Testing

@testable import SwiftcornMetrics

@Suite("StatsdDatagramPacker")
struct StatsdDatagramPackerTests {
    @Test func fiveHundredLinesFitInDatagramsWithoutSplitting() {
        let encoder = StatsdLineEncoder(prefix: "swiftcorn", tags: ["env:test", "app:x"])
        let lines = (0..<500).map { encoder.timing("request.duration.route\($0 % 37)", milliseconds: Double($0) * 1.125) }
        var packer = StatsdDatagramPacker()
        for line in lines {
            packer.append(line)
        }
        let datagrams = packer.finish()

        #expect(datagrams.count > 1)
        #expect(datagrams.allSatisfy { $0.count <= 1432 })
        let received = datagrams.flatMap { UDPListener.lines(in: String(decoding: $0, as: UTF8.self)) }
        #expect(received == lines.map { String(decoding: $0, as: UTF8.self) })
        #expect(packer.droppedLines == 0)
        // Packed greedily: each datagram could not have taken the next one's first line.
        for (datagram, next) in zip(datagrams, datagrams.dropFirst()) {
            let firstLineLength = next.firstIndex(of: UInt8(ascii: "\n")) ?? next.count
            #expect(datagram.count + 1 + firstLineLength > 1432)
        }
    }

    @Test func oversizedLineIsDroppedAndCounted() {
        var packer = StatsdDatagramPacker(maxDatagramSize: 20)
        packer.append(Array("a:1|c".utf8))
        packer.append([UInt8](repeating: UInt8(ascii: "x"), count: 21))
        packer.append(Array("b:2|c".utf8))
        let datagrams = packer.finish()
        #expect(datagrams.map { String(decoding: $0, as: UTF8.self) } == ["a:1|c\nb:2|c"])
        #expect(packer.droppedLines == 1)
    }

    @Test func lineOfExactlyTheLimitIsSentAlone() {
        var packer = StatsdDatagramPacker(maxDatagramSize: 10)
        packer.append(Array("a:1|c".utf8))
        packer.append(Array("bbbbbb:1|c".utf8))
        packer.append(Array("c:1|c".utf8))
        let datagrams = packer.finish().map { String(decoding: $0, as: UTF8.self) }
        #expect(datagrams == ["a:1|c", "bbbbbb:1|c", "c:1|c"])
        #expect(packer.finish().isEmpty)
    }
}

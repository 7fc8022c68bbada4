import Foundation
import SwiftcornTestKit
import Testing

@Suite("Static app", .serialized)
final class StaticAppTests {
    let root: URL
    let server: TestServer

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-static-\(UUID().uuidString)")
        self.root = base.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: self.root.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try "<h1>home</h1>".write(to: self.root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "body { }".write(to: self.root.appendingPathComponent("docs/style.css"), atomically: true, encoding: .utf8)
        try Data((0..<200_000).map { UInt8($0 % 251) }).write(to: self.root.appendingPathComponent("blob.bin"))
        try "secret".write(to: base.appendingPathComponent("outside.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: self.root.appendingPathComponent("escape.txt").path,
            withDestinationPath: base.appendingPathComponent("outside.txt").path
        )
        self.server = try TestServer.start(["-w", "1", "--app", "static", "--root", self.root.path])
    }

    deinit {
        self.server.stop()
        try? FileManager.default.removeItem(at: self.root.deletingLastPathComponent())
    }

    @Test func servesFilesWithTheirType() throws {
        let index = try self.server.get("/")
        #expect(index.status == 200)
        #expect(index.text == "<h1>home</h1>")
        #expect(index.header("content-type")?.hasPrefix("text/html") == true)
        let css = try self.server.get("/docs/style.css")
        #expect(css.header("content-type")?.hasPrefix("text/css") == true)
        let blob = try self.server.get("/blob.bin")
        #expect(blob.body.count == 200_000)
        #expect(blob.body == (0..<200_000).map { UInt8($0 % 251) })
        #expect(try self.server.get("/docs/").status == 404)
        #expect(try self.server.get("/missing").status == 404)
    }

    @Test func traversalNeverLeavesTheRoot() throws {
        for path in ["/../outside.txt", "/%2e%2e/outside.txt", "/docs/%2E%2E/%2e%2e/outside.txt", "/escape.txt", "/..%2foutside.txt"] {
            let response = try HTTPTestConnection(port: self.server.port).request("GET", path)
            #expect([400, 404].contains(response.status), "\(path) answered \(response.status)")
            #expect(!response.text.contains("secret"))
        }
    }

    @Test func conditionalRequestsAndRanges() throws {
        let first = try self.server.get("/blob.bin")
        let etag = try #require(first.header("etag"))
        #expect(first.header("last-modified") != nil)
        #expect(try self.server.get("/blob.bin", headers: [("If-None-Match", etag)]).status == 304)
        let range = try self.server.get("/blob.bin", headers: [("Range", "bytes=10-19")])
        #expect(range.status == 206)
        #expect(range.header("content-range") == "bytes 10-19/200000")
        #expect(range.body == (10..<20).map { UInt8($0 % 251) })
        let unsatisfiable = try self.server.get("/blob.bin", headers: [("Range", "bytes=300000-")])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.header("content-range") == "bytes */200000")
    }

    @Test func onlyReadMethods() throws {
        let response = try HTTPTestConnection(port: self.server.port).request("POST", "/index.html", body: Array("x".utf8))
        #expect(response.status == 405)
    }
}

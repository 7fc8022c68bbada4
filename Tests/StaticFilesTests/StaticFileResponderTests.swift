import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import SwiftcornApp
import SwiftcornTime
import Testing

@testable import SwiftcornStatic

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The static app end to end against a temporary directory, without a server.
@Suite struct StaticFileResponderTests {
    /// A directory tree built for one test and removed afterwards.
    final class Fixture {
        /// The tree's root.
        let root: String
        /// Its responder.
        let responder: StaticFileResponder
        /// 200 000 bytes of a known pattern, spanning several read chunks.
        static let bigContent: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

        /// Builds the tree in a new temporary directory.
        init() throws {
            let files = FileManager.default
            self.root = files.temporaryDirectory.appendingPathComponent("static-files-test-\(UUID().uuidString)").path
            try files.createDirectory(atPath: self.root, withIntermediateDirectories: true)
            for directory in ["sub", "noindex", "indexdir", "indexdir/index.html", ".well-known"] {
                try files.createDirectory(atPath: self.root + "/" + directory, withIntermediateDirectories: false)
            }
            let contents: [String: [UInt8]] = [
                "index.html": Array("<h1>root</h1>".utf8),
                "hello.txt": Array("hello world".utf8),
                "big.bin": Self.bigContent,
                "empty.txt": [],
                "sub/index.html": Array("sub index".utf8),
                "noindex/file.css": Array("body{}".utf8),
                ".secret": Array("do not serve".utf8),
                ".well-known/security.txt": Array("Contact: x".utf8),
                "unreadable.txt": Array("nope".utf8),
            ]
            for (name, bytes) in contents {
                try Data(bytes).write(to: URL(fileURLWithPath: self.root + "/" + name))
            }
            chmod(self.root + "/unreadable.txt", 0)
            let links = [
                "link-in": "hello.txt",
                "link-out": "/etc/hostname",
                "link-dir-out": "/etc",
                "innocent": ".secret",
                "dangling": "nowhere",
            ]
            for (name, target) in links {
                try files.createSymbolicLink(atPath: self.root + "/" + name, withDestinationPath: target)
            }
            mkfifo(self.root + "/fifo", 0o644)
            self.responder = try StaticFileResponder(root: self.root)
        }

        /// Removes the tree.
        deinit {
            try? FileManager.default.removeItem(atPath: self.root)
        }
    }

    /// Collects what a streamed body writes.
    actor Collector: ResponseBodyWriter {
        /// Every byte written, in order.
        var bytes: [UInt8] = []
        /// How many writes there were.
        var writes = 0

        /// Appends `buffer`.
        func write(_ buffer: ByteBuffer) async throws {
            self.bytes += buffer.readableBytesView
            self.writes += 1
        }
    }

    /// A response with its body drained.
    struct Answer {
        /// The status.
        var status: HTTPResponse.Status
        /// The header fields the responder set.
        var fields: HTTPFields
        /// The body's declared length.
        var contentLength: Int?
        /// The bytes the body wrote.
        var body: [UInt8]
        /// How many writes the body made.
        var writes: Int

        /// The body as UTF-8 text.
        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    /// A request context like a worker's.
    static func context() -> RequestContext {
        RequestContext(
            logger: Logger(label: "test"),
            workerIndex: 1,
            remoteAddress: "127.0.0.1",
            allocator: ByteBufferAllocator(),
            eventLoop: MultiThreadedEventLoopGroup.singleton.any()
        )
    }

    /// Sends one request to the fixture's responder and drains the body.
    func send(
        _ fixture: Fixture,
        _ method: HTTPRequest.Method = .get,
        _ path: String,
        _ fields: HTTPFields = [:]
    ) async throws -> Answer {
        let request = Request(head: HTTPRequest(method: method, scheme: nil, authority: nil, path: path, headerFields: fields))
        let response = try await fixture.responder.respond(to: request, context: Self.context())
        let collector = Collector()
        switch response.body.storage {
        case .buffer(let buffer):
            try await collector.write(buffer)
        case .stream(let write):
            try await write(collector)
        }
        return Answer(
            status: response.head.status,
            fields: response.head.headerFields,
            contentLength: response.body.contentLength,
            body: await collector.bytes,
            writes: await collector.writes
        )
    }

    /// Expects `path` to be answered by an ``HTTPError`` with `status`.
    func expectStatus(_ fixture: Fixture, _ path: String, _ status: HTTPResponse.Status) async {
        await #expect(throws: HTTPError(status), "\(path)") { try await self.send(fixture, .get, path) }
    }

    @Test func servesAFile() async throws {
        let fixture = try Fixture()
        let answer = try await self.send(fixture, .get, "/hello.txt")
        #expect(answer.status == .ok)
        #expect(answer.text == "hello world")
        #expect(answer.contentLength == 11)
        #expect(answer.fields[.contentType] == "text/plain; charset=utf-8")
        #expect(answer.fields[.acceptRanges] == "bytes")
        #expect(answer.fields[.xContentTypeOptions] == "nosniff")
        #expect(answer.fields[.eTag]?.hasPrefix("\"") == true)
        #expect(HTTPDate.parse(answer.fields[.lastModified] ?? "") != nil)
    }

    @Test func headDeclaresLengthWithoutBody() async throws {
        let fixture = try Fixture()
        let answer = try await self.send(fixture, .head, "/hello.txt")
        #expect(answer.status == .ok)
        #expect(answer.contentLength == 11)
        #expect(answer.body.isEmpty)
        // Range applies to GET only.
        let ranged = try await self.send(fixture, .head, "/hello.txt", [.range: "bytes=0-1"])
        #expect(ranged.status == .ok)
        #expect(ranged.contentLength == 11)
    }

    @Test func otherMethodsAnswer405() async throws {
        let fixture = try Fixture()
        for method in [HTTPRequest.Method.post, .put, .delete, .options] {
            let answer = try await self.send(fixture, method, "/hello.txt")
            #expect(answer.status == .methodNotAllowed)
            #expect(answer.fields[.allow] == "GET, HEAD")
        }
    }

    @Test func streamsLargeFilesInChunks() async throws {
        let fixture = try Fixture()
        let answer = try await self.send(fixture, .get, "/big.bin")
        #expect(answer.contentLength == Fixture.bigContent.count)
        #expect(answer.body == Fixture.bigContent)
        #expect(answer.writes == 4)  // 200 000 bytes in 64 KiB chunks
        #expect(answer.fields[.contentType] == "application/octet-stream")
    }

    @Test func emptyFile() async throws {
        let fixture = try Fixture()
        let answer = try await self.send(fixture, .get, "/empty.txt")
        #expect(answer.status == .ok)
        #expect(answer.contentLength == 0)
        let ranged = try await self.send(fixture, .get, "/empty.txt", [.range: "bytes=0-"])
        #expect(ranged.status == .rangeNotSatisfiable)
        #expect(ranged.fields[.contentRange] == "bytes */0")
    }

    @Test func directoriesAnswerTheirIndex() async throws {
        let fixture = try Fixture()
        #expect(try await self.send(fixture, .get, "/").text == "<h1>root</h1>")
        #expect(try await self.send(fixture, .get, "/sub").text == "sub index")
        let slash = try await self.send(fixture, .get, "/sub/")
        #expect(slash.text == "sub index")
        #expect(slash.fields[.contentType] == "text/html; charset=utf-8")
        #expect(try await self.send(fixture, .get, "/sub/index.html?x=1").text == "sub index")
        await self.expectStatus(fixture, "/noindex/", .notFound)
        await self.expectStatus(fixture, "/noindex", .notFound)
        await self.expectStatus(fixture, "/indexdir/", .notFound)
    }

    @Test func missingFiles() async throws {
        let fixture = try Fixture()
        await self.expectStatus(fixture, "/missing", .notFound)
        await self.expectStatus(fixture, "/hello.txt/x", .notFound)
        await self.expectStatus(fixture, "/dangling", .notFound)
        await self.expectStatus(fixture, "/" + String(repeating: "a", count: 5000), .notFound)
    }

    @Test func traversalIsRefused() async throws {
        let fixture = try Fixture()
        await self.expectStatus(fixture, "/../etc/passwd", .notFound)
        await self.expectStatus(fixture, "/%2e%2e/%2e%2e/etc/passwd", .notFound)
        await self.expectStatus(fixture, "/sub/..%2F..%2Fetc/passwd", .notFound)
        await self.expectStatus(fixture, "/%zz", .badRequest)
        await self.expectStatus(fixture, "/hello.txt%00.png", .badRequest)
    }

    @Test func symlinksMustStayInsideTheRoot() async throws {
        let fixture = try Fixture()
        #expect(try await self.send(fixture, .get, "/link-in").text == "hello world")
        await self.expectStatus(fixture, "/link-out", .notFound)
        await self.expectStatus(fixture, "/link-dir-out/hostname", .notFound)
        await self.expectStatus(fixture, "/link-dir-out/", .notFound)
    }

    @Test func hiddenFilesAreNotServed() async throws {
        let fixture = try Fixture()
        await self.expectStatus(fixture, "/.secret", .notFound)
        await self.expectStatus(fixture, "/innocent", .notFound)
        #expect(try await self.send(fixture, .get, "/.well-known/security.txt").text == "Contact: x")
    }

    @Test func fifosAreNotServedAndDoNotHang() async throws {
        let fixture = try Fixture()
        await self.expectStatus(fixture, "/fifo", .notFound)
    }

    @Test(.enabled(if: geteuid() != 0, "root reads files whatever their mode"))
    func unreadableFilesAnswer403() async throws {
        let fixture = try Fixture()
        await self.expectStatus(fixture, "/unreadable.txt", .forbidden)
    }

    @Test func conditionalRequests() async throws {
        let fixture = try Fixture()
        let first = try await self.send(fixture, .get, "/hello.txt")
        let eTag = try #require(first.fields[.eTag])
        let lastModified = try #require(first.fields[.lastModified])

        let byTag = try await self.send(fixture, .get, "/hello.txt", [.ifNoneMatch: eTag])
        #expect(byTag.status == .notModified)
        #expect(byTag.body.isEmpty)
        #expect(byTag.fields[.eTag] == eTag)

        let byDate = try await self.send(fixture, .get, "/hello.txt", [.ifModifiedSince: lastModified])
        #expect(byDate.status == .notModified)

        let stale = try await self.send(fixture, .get, "/hello.txt", [.ifModifiedSince: "Thu, 01 Jan 1970 00:00:00 GMT"])
        #expect(stale.status == .ok)

        let otherTag = try await self.send(fixture, .get, "/hello.txt", [.ifNoneMatch: "\"x\"", .ifModifiedSince: lastModified])
        #expect(otherTag.status == .ok)
        #expect(otherTag.text == "hello world")

        let head = try await self.send(fixture, .head, "/hello.txt", [.ifNoneMatch: "*"])
        #expect(head.status == .notModified)
    }

    @Test func ranges() async throws {
        let fixture = try Fixture()
        let start = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=0-4"])
        #expect(start.status == .partialContent)
        #expect(start.text == "hello")
        #expect(start.contentLength == 5)
        #expect(start.fields[.contentRange] == "bytes 0-4/11")

        let suffix = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=-5"])
        #expect(suffix.text == "world")
        #expect(suffix.fields[.contentRange] == "bytes 6-10/11")

        let open = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=6-"])
        #expect(open.text == "world")

        let beyond = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=20-"])
        #expect(beyond.status == .rangeNotSatisfiable)
        #expect(beyond.fields[.contentRange] == "bytes */11")
        #expect(beyond.body.isEmpty)

        let several = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=0-1,3-4"])
        #expect(several.status == .ok)
        #expect(several.text == "hello world")
        #expect(several.fields[.contentRange] == nil)

        let acrossChunks = try await self.send(fixture, .get, "/big.bin", [.range: "bytes=65530-131080"])
        #expect(acrossChunks.body == Array(Fixture.bigContent[65530...131_080]))
    }

    @Test func ifRange() async throws {
        let fixture = try Fixture()
        let eTag = try #require(try await self.send(fixture, .head, "/hello.txt").fields[.eTag])
        let current = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=0-4", .ifRange: eTag])
        #expect(current.status == .partialContent)
        let changed = try await self.send(fixture, .get, "/hello.txt", [.range: "bytes=0-4", .ifRange: "\"old\""])
        #expect(changed.status == .ok)
        #expect(changed.text == "hello world")
    }

    @Test func rootMustBeAReadableDirectory() throws {
        let fixture = try Fixture()
        #expect(throws: StaticFileRootError.self) { try StaticFileResponder(root: fixture.root + "/missing") }
        #expect(throws: StaticFileRootError.self) { try StaticFileResponder(root: fixture.root + "/hello.txt") }
        #expect(throws: StaticFileRootError.self) { try StaticFileResponder(root: "") }
        // The root is resolved once, so `..` and links in it are fine.
        let viaParent = try StaticFileResponder(root: fixture.root + "/sub/..")
        #expect(viaParent.root == fixture.responder.root)
    }

    @Test func droppedBodiesCloseTheirFile() throws {
        let fixture = try Fixture()
        var file: OpenedFile? = try OpenedFile.openForReading(path: fixture.root + "/hello.txt")
        let handle = try #require(file?.handle)
        #expect(handle.isOpen)
        file = nil
        #expect(!handle.isOpen)
    }
}

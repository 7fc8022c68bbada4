import HTTPTypes
import NIOCore
import SwiftcornApp
import Synchronization
import Testing

/// What an application answers with: ``Response``, ``ResponseBody`` in each form, ``HTTPError``
/// and the reason phrase a status line carries.
@Suite("Response, ResponseBody, HTTPError and reason phrases")
struct ResponseTests {
    /// A ``ResponseBodyWriter`` that keeps what it is given, as the socket would receive it.
    final class RecordingWriter: ResponseBodyWriter {
        private let parts = Mutex<[String]>([])
        var written: [String] { self.parts.withLock { $0 } }

        func write(_ buffer: ByteBuffer) async throws {
            self.parts.withLock { $0.append(String(buffer: buffer)) }
        }
    }

    struct WriteFailed: Error, Equatable {}

    /// The bytes of a buffered body; `nil` for a stream.
    static func bytes(_ body: ResponseBody) -> String? {
        guard case .buffer(let buffer) = body.storage else { return nil }
        return String(buffer: buffer)
    }

    /// What a streamed body writes; `nil` for a buffer.
    static func streamed(_ body: ResponseBody) async throws -> [String]? {
        guard case .stream(let write) = body.storage else { return nil }
        let writer = RecordingWriter()
        try await write(writer)
        return writer.written
    }

    @Test("each buffered constructor: the bytes, and their length as Content-Length")
    func bufferedBodies() {
        let fromString = ResponseBody(string: "héllo")
        #expect(Self.bytes(fromString) == "héllo")
        #expect(fromString.contentLength == 6, "UTF-8 bytes, not characters")
        let literal: ResponseBody = "abc"
        #expect(Self.bytes(literal) == "abc" && literal.contentLength == 3)
        var partlyRead = ByteBuffer(string: "0123456789")
        partlyRead.moveReaderIndex(forwardBy: 4)
        let fromBuffer = ResponseBody(byteBuffer: partlyRead)
        #expect(Self.bytes(fromBuffer) == "456789" && fromBuffer.contentLength == 6, "the readable bytes only")
        #expect(Self.bytes(.empty) == "" && ResponseBody.empty.contentLength == 0)
    }

    @Test("the writer form: no length unless declared, and the writes in order")
    func streamedBody() async throws {
        let body = ResponseBody.stream { writer in
            try await writer.write(ByteBuffer(string: "one,"))
            try await writer.write("two,")
            try await writer.write("thrée")
        }
        #expect(body.contentLength == nil, "sent chunked")
        // A negative declared length would be written as no number at all: it counts as none.
        #expect(ResponseBody.stream(contentLength: -1) { _ in }.contentLength == nil)
        #expect(ResponseBody.stream(contentLength: 0) { _ in }.contentLength == 0)
        #expect(Self.bytes(body) == nil)
        #expect(try await Self.streamed(body) == ["one,", "two,", "thrée"])
        let declared = ResponseBody.stream(contentLength: 5) { writer in try await writer.write("12345") }
        #expect(declared.contentLength == 5)
        #expect(try await Self.streamed(declared) == ["12345"])
    }

    @Test("a writer's failure reaches the server through the body's closure")
    func streamedBodyFails() async throws {
        let body = ResponseBody.stream { writer in
            try await writer.write("partial")
            throw WriteFailed()
        }
        await #expect(throws: WriteFailed()) { try await Self.streamed(body) }
    }

    @Test("Response defaults: no header fields, an empty body")
    func responseDefaults() {
        let response = Response(status: .noContent)
        #expect(response.head.status == .noContent)
        #expect(response.head.headerFields.isEmpty)
        #expect(response.body.contentLength == 0 && Self.bytes(response.body) == "")
        let fromHead = Response(head: HTTPResponse(status: .accepted))
        #expect(fromHead.head.status == .accepted && fromHead.body.contentLength == 0)
        let full = Response(status: .created, headerFields: [.contentType: "text/plain"], body: "made")
        #expect(full.head.headerFields[.contentType] == "text/plain")
        #expect(Self.bytes(full.body) == "made")
    }

    @Test("HTTPError: its status, and its message or none")
    func httpError() {
        let plain = HTTPError(.notFound)
        #expect(plain.status == .notFound && plain.status.code == 404)
        #expect(plain.message == nil)
        let explained = HTTPError(.conflict, message: "version mismatch")
        #expect(explained.status.code == 409 && explained.message == "version mismatch")
        #expect(plain == HTTPError(.notFound))
        #expect(plain != HTTPError(.notFound, message: "gone"))
        let thrown: any Error = explained
        #expect((thrown as? HTTPError)?.message == "version mismatch")
    }

    @Test("a status made from a bare code gets its registered phrase, as swift-http-types names it")
    func reasonPhrasesAgreeWithHTTPTypes() {
        let named: [HTTPResponse.Status] = [
            .continue, .switchingProtocols, .ok, .created, .accepted, .nonAuthoritativeInformation, .noContent,
            .resetContent, .partialContent, .multipleChoices, .movedPermanently, .found, .seeOther, .notModified,
            .temporaryRedirect, .permanentRedirect, .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed,
            .notAcceptable, .proxyAuthenticationRequired, .requestTimeout, .conflict, .gone, .lengthRequired,
            .preconditionFailed, .contentTooLarge, .uriTooLong, .unsupportedMediaType, .rangeNotSatisfiable,
            .expectationFailed, .misdirectedRequest, .unprocessableContent, .tooEarly, .upgradeRequired,
            .preconditionRequired, .tooManyRequests, .requestHeaderFieldsTooLarge, .unavailableForLegalReasons,
            .internalServerError, .notImplemented, .badGateway, .serviceUnavailable, .gatewayTimeout,
            .httpVersionNotSupported, .networkAuthenticationRequired,
        ]
        for status in named {
            let bare = HTTPResponse.Status(code: status.code)
            #expect(bare.reasonPhrase.isEmpty)
            #expect(bare.reasonPhraseOrStandard == status.reasonPhrase, "\(status.code)")
            #expect(status.reasonPhraseOrStandard == status.reasonPhrase)
        }
    }

    @Test(
        "registered phrases swift-http-types does not name, and codes with none",
        arguments: [(402, "Payment Required"), (418, "I'm a teapot"), (507, "Insufficient Storage"), (299, "Unknown"), (599, "Unknown")]
    )
    func otherReasonPhrases(code: Int, phrase: String) {
        #expect(HTTPResponse.Status(code: code).reasonPhraseOrStandard == phrase)
    }

    @Test("an application's own phrase is kept")
    func ownPhrase() {
        #expect(HTTPResponse.Status(code: 200, reasonPhrase: "Fine").reasonPhraseOrStandard == "Fine")
    }
}

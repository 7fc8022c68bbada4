import HTTPTypes
import NIOCore
import NIOPosix
import SwiftcornApp
import SwiftcornTime

/// The built-in `static` app: serves the files under one directory, safely.
///
/// - Methods: GET and HEAD; anything else answers 405 with `Allow: GET, HEAD`.
/// - Paths: percent-decoded, then checked by ``StaticPath``: malformed escapes, NUL and non-UTF-8
///   answer 400; `..` segments and hidden names (`.git`, `.env`; `.well-known` excepted) answer 404.
///   The resolved path must lie inside the root, so symbolic links pointing out of it answer 404.
/// - Directories answer their `index.html`, with or without a trailing slash; no listing, 404 when
///   there is no index.
/// - Validators: a strong `ETag` from modification time and size, and `Last-Modified`.
///   `If-None-Match` (taking precedence) and `If-Modified-Since` answer 304.
/// - Ranges: one `bytes=` range answers 206 (GET only, honouring `If-Range`); an unsatisfiable one
///   416 with `Content-Range: bytes */size`; several ranges, or invalid syntax, the whole file (200).
/// - Errors: ENOENT/ENOTDIR answer 404, EACCES 403, other file-system failures 500 (logged).
///
/// Files are streamed in 64 KiB chunks from NIO's blocking thread pool; `realpath`, `open` and
/// `fstat` run on that pool too, so no request blocks an event loop.
public struct StaticFileResponder: Responder {
    /// The served directory, as resolved by `realpath` when the responder was created.
    public let root: String
    /// Maps request paths to open files under ``root``.
    private let resolver: StaticFileResolver

    /// Serves the directory `root`.
    ///
    /// `root` is resolved with `realpath` once, here, so a root given through a symbolic link
    /// keeps serving the same directory if the link is later repointed (restart to follow it).
    ///
    /// - Throws: ``StaticFileRootError`` when `root` does not exist, is not a directory, or
    ///   cannot be read and searched by this process.
    public init(root: String) throws {
        let resolved: String
        do throws(StaticFileSystemError) {
            resolved = try StaticFileSystem.realPath(root)
            try StaticFileSystem.checkReadableDirectory(resolved)
        } catch {
            throw StaticFileRootError(root: root, reason: error.reason)
        }
        self.root = resolved
        self.resolver = StaticFileResolver(root: resolved)
    }

    /// Answers GET and HEAD with the file the path names, if it is inside the root.
    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headerFields: [.allow: "GET, HEAD"])
        }
        let path: StaticPath
        do throws(StaticPath.Error) {
            path = try StaticPath(decoding: request.path)
        } catch {
            throw HTTPError(error.status)
        }
        let file = try await self.open(path, context: context)
        return self.response(for: file, request: request, context: context)
    }

    /// Opens the file for `path` on the blocking thread pool, turning failures into HTTP errors.
    private func open(_ path: StaticPath, context: RequestContext) async throws -> OpenedFile {
        let resolver = self.resolver
        do {
            // `.singleton` is looked up per request, not stored: the pool starts threads when
            // first touched, and a responder built in the master must not start them there.
            return try await NIOThreadPool.singleton.runIfActive { try resolver.open(path) }
        } catch let error as StaticFileSystemError {
            if error.status == .internalServerError {
                context.logger.error("static file error", metadata: ["error": "\(error)"])
            }
            throw HTTPError(error.status)
        }
    }

    /// The response for `file`: 304, 416, 206 or 200, with a streamed body for GET.
    private func response(for file: OpenedFile, request: Request, context: RequestContext) -> Response {
        let entityTag = EntityTag(
            size: file.size,
            modificationSeconds: file.modificationSeconds,
            modificationNanoseconds: file.modificationNanoseconds
        )
        let lastModified = file.modificationSeconds
        var fields: HTTPFields = [
            .eTag: entityTag.headerValue,
            .lastModified: HTTPDate.format(secondsSince1970: lastModified),
            .acceptRanges: "bytes",
        ]
        let conditions = ConditionalRequest(
            ifNoneMatch: request.headerFields[.ifNoneMatch],
            ifModifiedSince: request.headerFields[.ifModifiedSince],
            ifRange: request.headerFields[.ifRange]
        )
        if conditions.isNotModified(entityTag: entityTag, lastModified: lastModified) {
            file.closeIfOpen()
            return Response(status: .notModified, headerFields: fields)
        }

        var status = HTTPResponse.Status.ok
        var range = ByteRange(first: 0, last: file.size - 1)
        // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
        if request.method == .get, let rangeHeader = request.headerFields[.range],
            conditions.rangeApplies(entityTag: entityTag, lastModified: lastModified)
        {
            switch ByteRange.select(rangeHeader: rangeHeader[...], completeLength: file.size) {
            case .whole:
                break
            case .partial(let partial):
                status = .partialContent
                range = partial
                fields[.contentRange] = partial.contentRange(completeLength: file.size)
            case .unsatisfiable:
                file.closeIfOpen()
                fields[.contentRange] = ByteRange.unsatisfiedContentRange(completeLength: file.size)
                return Response(status: .rangeNotSatisfiable, headerFields: fields)
            }
        }
        fields[.contentType] = MediaType.forFileName(file.path)
        // The type comes from a fixed table; browsers must not second-guess it into something executable.
        fields[.xContentTypeOptions] = "nosniff"

        if request.method == .head || range.count == 0 {
            file.closeIfOpen()
            // HEAD declares the length the GET would send; the body itself is never written.
            let body: ResponseBody = range.count == 0 ? .empty : .stream(contentLength: range.count) { _ in }
            return Response(status: status, headerFields: fields, body: body)
        }
        let body = FileBody.stream(
            file,
            range: range,
            fileIO: NonBlockingFileIO(threadPool: .singleton),
            allocator: context.allocator
        )
        return Response(status: status, headerFields: fields, body: body)
    }
}

/// The root given to ``StaticFileResponder`` cannot be served.
public struct StaticFileRootError: Error, Sendable, CustomStringConvertible {
    /// The root as given.
    public let root: String
    /// Why it cannot be served, such as `No such file or directory`.
    public let reason: String

    /// Creates an error for `root`.
    public init(root: String, reason: String) {
        self.root = root
        self.reason = reason
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        "static root '\(self.root)' is not a readable directory: \(self.reason)"
    }
}

/// A response body that streams a byte range of an opened file.
///
/// Reads go through `NonBlockingFileIO`, so the blocking `pread` calls run on NIO's thread pool
/// and never on the connection's event loop. One chunk is read, written and awaited at a time:
/// memory per response stays at one chunk however large the file, and a slow client slows the
/// reading down instead of piling buffers up.
enum FileBody {
    /// The size of each read: large enough to amortise the thread hop, small enough to stay
    /// out of the way of other responses on the same loop.
    static let chunkSize = 64 * 1024

    /// The file ended before `range` was sent: it shrank after its size was read.
    struct FileShrankError: Error, CustomStringConvertible {
        /// The file's path.
        let path: String
        /// The offset at which the data ran out.
        let offset: Int

        var description: String {
            "\(self.path) ended at offset \(self.offset), before the end of the range being sent"
        }
    }

    /// A body sending `range` of `file`, closing the file when done or failed.
    ///
    /// The length is declared up front. If the file shrinks while being sent the body fails, and
    /// the server aborts the connection: with `Content-Length` already sent, padding or a short
    /// body would both be a lie the client could not detect otherwise.
    static func stream(
        _ file: OpenedFile,
        range: ByteRange,
        fileIO: NonBlockingFileIO,
        allocator: ByteBufferAllocator
    ) -> ResponseBody {
        .stream(contentLength: range.count) { writer in
            // The writer throws when the client has gone; the file is closed on every way out.
            defer { file.closeIfOpen() }
            var offset = range.first
            let end = range.last + 1
            while offset < end {
                let chunk = try await fileIO.read(
                    fileHandle: file.handle,
                    fromOffset: Int64(offset),
                    byteCount: min(Self.chunkSize, end - offset),
                    allocator: allocator
                )
                guard chunk.readableBytes > 0 else {
                    throw FileShrankError(path: file.path, offset: offset)
                }
                offset += chunk.readableBytes
                try await writer.write(chunk)
            }
        }
    }
}

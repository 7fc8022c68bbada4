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

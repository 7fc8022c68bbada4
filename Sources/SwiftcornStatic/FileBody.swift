import NIOCore
import NIOPosix
import SwiftcornApp

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

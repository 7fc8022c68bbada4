/// The `Content-Type` of a served file, chosen from its extension.
///
/// A fixed table rather than the system's `mime.types`: answers are the same on every machine, and
/// the server is not a place to guess (`X-Content-Type-Options: nosniff` goes out with every file,
/// so browsers trust what we say). Text types carry `charset=utf-8`, the encoding of nearly every
/// text file written today; without it browsers fall back to a locale-dependent legacy charset.
enum MediaType {
    /// The type of files whose extension is not in the table.
    static let fallback = "application/octet-stream"

    /// Lower-case extension (without the dot) to media type.
    static let byExtension: [String: String] = [
        // Documents and text.
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json; charset=utf-8",
        "map": "application/json; charset=utf-8",
        "webmanifest": "application/manifest+json; charset=utf-8",
        "xml": "application/xml; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "svg": "image/svg+xml; charset=utf-8",
        "pdf": "application/pdf",
        // Images.
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
        "ico": "image/x-icon",
        "bmp": "image/bmp",
        // Audio and video.
        "mp4": "video/mp4",
        "webm": "video/webm",
        "mp3": "audio/mpeg",
        "ogg": "audio/ogg",
        "wav": "audio/wav",
        // Fonts.
        "woff": "font/woff",
        "woff2": "font/woff2",
        "ttf": "font/ttf",
        "otf": "font/otf",
        // Code and archives. `.gz` is served as a gzip file, not as a compressed encoding of
        // something else: we do not negotiate `Content-Encoding`.
        "wasm": "application/wasm",
        "gz": "application/gzip",
        "zip": "application/zip",
        "tar": "application/x-tar",
    ]

    /// The media type for a file named `fileName` (a path or a last component).
    ///
    /// The extension is what follows the last `.` of the last component, compared without case.
    /// A name whose only dot leads it (`.profile`) has no extension.
    static func forFileName(_ fileName: some StringProtocol) -> String {
        let name = fileName.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return Self.fallback }
        let fileExtension = name[name.index(after: dot)...].lowercased()
        return Self.byExtension[fileExtension] ?? Self.fallback
    }
}

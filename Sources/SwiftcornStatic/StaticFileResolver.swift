import SwiftcornApp

/// Finds and opens the file a ``StaticPath`` names under the root, refusing anything outside it.
///
/// The lexical checks of ``StaticPath`` keep `..` out of the request; this type deals with what
/// the file system adds: the candidate is resolved with `realpath` and must then lie inside the
/// root (a prefix match on bytes, ending at a `/` boundary so `/srv/www-old` is not inside
/// `/srv/www`). A symbolic link pointing out of the root therefore answers 404, while links
/// within it work. Hidden names are checked again on the resolved path, so a link cannot expose
/// `.git/config` under an innocent name.
///
/// What is not covered: someone with write access to the root swapping a directory for a link
/// between `realpath` and `open`. Whoever can write the root can publish anything anyway.
struct StaticFileResolver: Sendable {
    /// The root directory, already resolved with `realpath`.
    let root: String

    /// Creates a resolver for `root`, which must already be resolved with `realpath`.
    init(root: String) {
        self.root = root
    }

    /// Opens the regular file `path` names, or the `index.html` of the directory it names.
    ///
    /// Blocks: call it on a thread pool. Throws ``StaticFileSystemError`` when a system call
    /// fails and ``HTTPError`` 404 for anything the policy refuses.
    func open(_ path: StaticPath) throws -> OpenedFile {
        let candidate = path.segments.isEmpty ? self.root : self.joined(self.root, path.relativePath)
        let file = try self.openInsideRoot(candidate)
        switch file.kind {
        case .regularFile:
            return file
        case .directory:
            // With or without a trailing slash, a directory answers its index directly. Relative
            // links in that index resolve against the parent when the slash is missing, which is
            // the site's business; a redirect would cost a round trip on every such request.
            file.closeIfOpen()
            let index = try self.openInsideRoot(self.joined(file.path, "index.html"))
            guard index.kind == .regularFile else {
                index.closeIfOpen()
                throw HTTPError(.notFound)
            }
            return index
        case .other:
            file.closeIfOpen()
            throw HTTPError(.notFound)
        }
    }

    /// Resolves `candidate`, checks it lies inside the root and is not hidden, and opens it.
    private func openInsideRoot(_ candidate: String) throws -> OpenedFile {
        let resolved = try StaticFileSystem.realPath(candidate)
        guard let relative = self.relativeBytes(of: resolved),
            !relative.split(separator: UInt8(ascii: "/")).contains(where: { StaticPath.isHidden(bytes: $0) })
        else {
            throw HTTPError(.notFound)
        }
        return try OpenedFile.openForReading(path: resolved)
    }

    /// The bytes of `resolved` after the root and its `/`; empty for the root itself, `nil` outside it.
    ///
    /// Compared as UTF-8 bytes because `String` comparison uses Unicode canonical equivalence, and
    /// a file system does not: two differently encoded names are two different files.
    func relativeBytes(of resolved: String) -> ArraySlice<UInt8>? {
        let resolvedBytes = Array(resolved.utf8)
        let rootBytes = Array(self.root.utf8)
        if resolvedBytes == rootBytes { return [] }
        // The root `/` already ends with the separator; any other root gets one appended.
        let prefix = rootBytes.last == UInt8(ascii: "/") ? rootBytes : rootBytes + [UInt8(ascii: "/")]
        guard resolvedBytes.starts(with: prefix) else { return nil }
        return resolvedBytes[prefix.count...]
    }

    /// `directory` and `name` joined by exactly one `/`.
    private func joined(_ directory: String, _ name: String) -> String {
        directory.utf8.last == UInt8(ascii: "/") ? directory + name : directory + "/" + name
    }
}

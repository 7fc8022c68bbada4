import SwiftcornFormat

extension EventRecord {
    /// Keys of the record itself, which metadata may not shadow.
    static let reservedKeys = Set(RecordField.eventKeys.map(\.key))

    /// The record as one JSON line: the keys of ``RecordField/eventKeys`` in order, then metadata.
    public func jsonLine() -> [UInt8] {
        var writer = JSONLineWriter(capacity: 256 + self.message.utf8.count)
        self.writeFields(into: &writer)
        return writer.finish()
    }

    /// Writes the record's fields into an object `writer` has started.
    func writeFields(into writer: inout JSONLineWriter) {
        writer.field(.ts, timestampMicroseconds: self.timestampMicroseconds)
        writer.field(.level, self.level)
        writer.field(.event, RecordField.logEvent)
        writer.field(.logger, self.logger)
        writer.field(.message, self.message)
        writer.field(.worker, self.worker)
        writer.field(.pid, Int(self.pid))
        writer.field(.source, "\(Self.shortFile(self.file)):\(self.line)")
        for (key, value) in self.metadata {
            writer.field(dynamicKey: Self.reservedKeys.contains(key) ? "meta_" + key : key, value)
        }
    }

    /// `Sources/SwiftcornArbiter/Arbiter.swift` rather than the build machine's absolute path.
    static func shortFile(_ file: String) -> String {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        if let sources = parts.lastIndex(of: "Sources"), sources + 1 < parts.count {
            return parts[(sources + 1)...].joined(separator: "/")
        }
        // #fileID already is `Module/File.swift`; an absolute path is cut to its last part.
        return file.hasPrefix("/") ? parts.last.map(String.init) ?? file : file
    }
}

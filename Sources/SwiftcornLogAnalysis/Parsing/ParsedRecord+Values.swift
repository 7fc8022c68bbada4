extension ParsedRecord {
    /// The raw bytes of a field's value (escapes not decoded), empty when absent.
    func rawBytes(_ field: FieldReference) -> UnsafeBufferPointer<UInt8> {
        self.rawBytes(spanIndex: field.spanIndex)
    }

    /// The raw bytes of the value in span `spanIndex`.
    func rawBytes(spanIndex: Int) -> UnsafeBufferPointer<UInt8> {
        let span = self.spans[spanIndex]
        guard span.type != .absent, let base = self.line.baseAddress else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: base + Int(span.start), count: span.count)
    }

    /// A field's value as text: strings with escapes decoded, numbers and literals as written.
    package func string(_ field: FieldReference) -> String? {
        let span = self.spans[field.spanIndex]
        guard span.type != .absent else { return nil }
        let bytes = self.rawBytes(spanIndex: field.spanIndex)
        if span.escaped {
            return JSONStringDecoding.decode(bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A field's value as a number: decoded numbers for schema fields, parsed text otherwise.
    package func number(_ field: FieldReference) -> Double? {
        switch field {
        case .known(.status): return self.has(field) ? Double(self.status) : nil
        case .known(.durationMilliseconds): return self.has(field) ? Double(self.durationMicroseconds) / 1000 : nil
        case .known(.bytesIn): return self.has(field) ? Double(self.bytesIn) : nil
        case .known(.bytesOut): return self.has(field) ? Double(self.bytesOut) : nil
        case .known(.worker): return self.has(field) ? Double(self.worker) : nil
        case .known(.pid): return self.has(field) ? Double(self.pid) : nil
        case .known(.ts): return self.has(field) ? Double(self.timestamp) : nil
        default:
            guard let text = self.string(field) else { return nil }
            return Double(text)
        }
    }
}

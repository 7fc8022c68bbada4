import Testing

@testable import SwiftcornFormat

/// The one JSON escaper: what must be escaped is, how, and nothing else is touched.
@Suite struct JSONStringTests {
    func quoted(_ text: String) -> String {
        JSONString.quoted(text)
    }

    @Test func plainTextIsCopied() {
        #expect(self.quoted("") == #""""#)
        #expect(self.quoted("GET /index.html?a=1&b=2") == #""GET /index.html?a=1&b=2""#)
        // Non-ASCII stays as UTF-8, including E2 sequences other than U+2028/9 (€ is E2 82 AC, … E2 80 A6).
        #expect(self.quoted("café 日本 € … 🙂") == "\"café 日本 € … 🙂\"")
    }

    @Test func quoteBackslashAndControlsAreEscaped() {
        #expect(self.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(self.quoted("\n\r\t") == #""\n\r\t""#)
        #expect(self.quoted("\u{0}\u{1}\u{8}\u{C}\u{1B}\u{1F}") == #""\u0000\u0001\u0008\u000c\u001b\u001f""#)
        #expect(self.quoted("\u{7F}") == #""\u007f""#)
        #expect(self.quoted(" ~") == #"" ~""#, "0x20 and 0x7E are not escaped")
    }

    @Test func lineAndParagraphSeparatorsAreEscaped() {
        #expect(self.quoted("a\u{2028}b\u{2029}c") == #""a\u2028b\u2029c""#)
        #expect(self.quoted("\u{2027}\u{202A}") == "\"\u{2027}\u{202A}\"", "neighbours are not")
    }

    /// Every position within and across the eight-byte words the fast path tests at once.
    @Test func everyEscapeIsFoundAtEveryOffset() {
        let specials: [(String, String)] = [
            ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("\u{7F}", #"\u007f"#),
            ("\u{2028}", #"\u2028"#), ("\u{2029}", #"\u2029"#),
        ]
        for (special, escaped) in specials {
            for before in 0..<20 {
                for after in [0, 1, 7, 8, 9, 17] {
                    let text = String(repeating: "a", count: before) + special + String(repeating: "é", count: after)
                    let expected = "\"" + String(repeating: "a", count: before) + escaped + String(repeating: "é", count: after) + "\""
                    #expect(self.quoted(text) == expected, "\(before) before, \(after) after")
                }
            }
        }
    }

    /// A truncated U+2028 prefix at the end of the bytes is copied, not read past.
    @Test func partialSeparatorAtTheEndIsCopied() {
        for tail: [UInt8] in [[0xE2], [0xE2, 0x80]] {
            let bytes = Array("abcdefgh".utf8) + tail
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { JSONString.appendEscaped($0, to: &out) }
            #expect(out == bytes)
        }
    }

    /// Bytes above 0x7F that are not part of U+2028/9 are copied as they are, valid or not.
    @Test func otherHighBytesAreCopied() {
        let bytes: [UInt8] = [0x80, 0xFF, 0xC3, 0xA9, 0xE2, 0x80, 0xAA, 0xE2, 0x41, 0xFE, 0x41, 0x42, 0x43, 0x44, 0x45]
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { JSONString.appendEscaped($0, to: &out) }
        #expect(out == bytes)
    }
}

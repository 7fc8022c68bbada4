import SwiftcornTime
import Testing

@testable import SwiftcornStatic

/// Request paths: decoding, normalisation and what is refused.
@Suite struct StaticPathTests {
    @Test(
        arguments: [
            ("/", []),
            ("/hello.txt", ["hello.txt"]),
            ("/a/b/c.css", ["a", "b", "c.css"]),
            ("//a/./b//", ["a", "b"]),
            ("/a%20b", ["a b"]),
            ("/caf%C3%A9", ["café"]),
            ("/caf%c3%a9", ["café"]),
            ("/a%2Fb", ["a", "b"]),  // an encoded slash separates like a literal one
            ("/a+b", ["a+b"]),  // `+` means space in forms only, not in paths
            ("/.well-known/security.txt", [".well-known", "security.txt"]),
            ("/a/b..c", ["a", "b..c"]),
        ] as [(String, [String])]
    )
    func decodes(raw: String, segments: [String]) throws {
        #expect(try StaticPath(decoding: raw[...]).segments == segments)
    }

    @Test(
        arguments: [
            ("/..", StaticPath.Error.parentSegment),
            ("/../etc/passwd", .parentSegment),
            ("/a/../b", .parentSegment),
            ("/%2e%2e/etc/passwd", .parentSegment),
            ("/a/%2E%2E/b", .parentSegment),
            ("/.%2e/x", .parentSegment),
            ("/..%2Fetc", .parentSegment),
            ("/.git/config", .hiddenSegment),
            ("/.env", .hiddenSegment),
            ("/a/%2egit/HEAD", .hiddenSegment),
            ("/...", .hiddenSegment),
            ("/%", .invalidPercentEncoding),
            ("/%2", .invalidPercentEncoding),
            ("/%zz", .invalidPercentEncoding),
            ("/a%g0", .invalidPercentEncoding),
            ("/a%00b", .containsNUL),
            ("/%ff", .invalidUTF8),
            ("/%C3", .invalidUTF8),
            ("hello.txt", .notAbsolute),
            ("*", .notAbsolute),
            ("", .notAbsolute),
        ] as [(String, StaticPath.Error)]
    )
    func refuses(raw: String, error: StaticPath.Error) {
        #expect(throws: error) { try StaticPath(decoding: raw[...]) }
    }

    @Test func statuses() {
        #expect(StaticPath.Error.parentSegment.status == .notFound)
        #expect(StaticPath.Error.hiddenSegment.status == .notFound)
        #expect(StaticPath.Error.invalidPercentEncoding.status == .badRequest)
        #expect(StaticPath.Error.containsNUL.status == .badRequest)
        #expect(StaticPath.Error.invalidUTF8.status == .badRequest)
        #expect(StaticPath.Error.notAbsolute.status == .badRequest)
    }

    @Test func relativePath() throws {
        #expect(try StaticPath(decoding: "/").relativePath == "")
        #expect(try StaticPath(decoding: "/a//b/").relativePath == "a/b")
    }

    @Test func hiddenNames() {
        #expect(StaticPath.isHidden(".git"))
        #expect(StaticPath.isHidden("."))
        #expect(!StaticPath.isHidden(".well-known"))
        #expect(!StaticPath.isHidden("index.html"))
        #expect(!StaticPath.isHidden("a.b"))
    }
}

/// `Range` header interpretation.
@Suite struct ByteRangeTests {
    @Test(
        arguments: [
            ("bytes=0-499", ByteRange.Selection.partial(ByteRange(first: 0, last: 499))),
            ("bytes=500-999", .partial(ByteRange(first: 500, last: 999))),
            ("bytes=500-", .partial(ByteRange(first: 500, last: 999))),
            ("bytes=-200", .partial(ByteRange(first: 800, last: 999))),
            ("bytes=-2000", .partial(ByteRange(first: 0, last: 999))),
            ("bytes=0-5000", .partial(ByteRange(first: 0, last: 999))),
            ("bytes=999-999", .partial(ByteRange(first: 999, last: 999))),
            ("bytes=0-0", .partial(ByteRange(first: 0, last: 0))),
            ("Bytes=0-0", .partial(ByteRange(first: 0, last: 0))),
            (" bytes=  10-19 ", .partial(ByteRange(first: 10, last: 19))),
            ("bytes=10-19,", .partial(ByteRange(first: 10, last: 19))),
            ("bytes=0-99999999999999999999999", .partial(ByteRange(first: 0, last: 999))),
            ("bytes=-99999999999999999999999", .partial(ByteRange(first: 0, last: 999))),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=1000-2000", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            ("bytes=99999999999999999999999-", .unsatisfiable),
            ("bytes=5-3", .whole),
            ("bytes=0-1,5-6", .whole),
            ("bytes=0-1, 2000-3000", .whole),
            ("items=0-1", .whole),
            ("bytes=", .whole),
            ("bytes=abc", .whole),
            ("bytes=1-2-3", .whole),
            ("bytes=-", .whole),
            ("bytes=+1-2", .whole),
            ("bytes 0-1", .whole),
            ("", .whole),
        ] as [(String, ByteRange.Selection)]
    )
    func selects(header: String, selection: ByteRange.Selection) {
        #expect(ByteRange.select(rangeHeader: header[...], completeLength: 1000) == selection)
    }

    @Test func emptyRepresentationHasNoSatisfiableRange() {
        #expect(ByteRange.select(rangeHeader: "bytes=0-", completeLength: 0) == .unsatisfiable)
        #expect(ByteRange.select(rangeHeader: "bytes=0-0", completeLength: 0) == .unsatisfiable)
        #expect(ByteRange.select(rangeHeader: "bytes=-5", completeLength: 0) == .unsatisfiable)
    }

    @Test func contentRange() {
        let range = ByteRange(first: 10, last: 19)
        #expect(range.count == 10)
        #expect(range.contentRange(completeLength: 1000) == "bytes 10-19/1000")
        #expect(ByteRange.unsatisfiedContentRange(completeLength: 1000) == "bytes */1000")
    }

    @Test func digits() {
        #expect(ByteRange.parseDigits("0") == 0)
        #expect(ByteRange.parseDigits("0042") == 42)
        #expect(ByteRange.parseDigits("99999999999999999999999") == Int.max)
        #expect(ByteRange.parseDigits("") == nil)
        #expect(ByteRange.parseDigits("+1") == nil)
        #expect(ByteRange.parseDigits(" 1") == nil)
        #expect(ByteRange.parseDigits("1a") == nil)
    }
}

/// HTTP-date formatting and parsing.
@Suite struct HTTPDateTests {
    @Test(
        arguments: [
            (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (68_169_600, "Tue, 29 Feb 1972 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
            (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),
            (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
            (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ] as [(Int64, String)]
    )
    func formatsAndParsesIMFFixdate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(secondsSince1970: seconds) == text)
        #expect(HTTPDate.parse(text) == seconds)
    }

    @Test func parsesObsoleteFormats() {
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov 06 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT", now: 0) == 0)
        #expect(HTTPDate.parse("Tuesday, 14-Nov-23 22:13:20 GMT") == 1_700_000_000)
    }

    @Test(arguments: [
        "",
        "garbage",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMT",
        "Sun, 0x Nov 1994 08:49:37 GMT",
        "Sun, -6 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
    ])
    func refusesInvalidDates(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func leapSecondReadsAsLastSecond() {
        #expect(HTTPDate.parse("Sat, 31 Dec 2016 23:59:60 GMT") == HTTPDate.parse("Sat, 31 Dec 2016 23:59:59 GMT"))
    }

    @Test func roundTripsEveryFewDaysOverCenturies() {
        // Walks 1900…2200 in steps that land on every weekday, month and time of day.
        var seconds: Int64 = -2_208_988_800
        while seconds < 7_258_118_400 {
            #expect(HTTPDate.parse(HTTPDate.format(secondsSince1970: seconds)) == seconds)
            seconds += 3 * 86_400 + 3_661
        }
    }
}

/// Content types by extension.
@Suite struct MediaTypeTests {
    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"),
        ("/a/b/APP.JS", "text/javascript; charset=utf-8"),
        ("module.mjs", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("data.json", "application/json; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("photo.JPEG", "image/jpeg"),
        ("photo.jpg", "image/jpeg"),
        ("app.wasm", "application/wasm"),
        ("font.woff2", "font/woff2"),
        ("clip.mp4", "video/mp4"),
        ("backup.tar.gz", "application/gzip"),
        ("favicon.ico", "image/x-icon"),
        ("noextension", "application/octet-stream"),
        (".profile", "application/octet-stream"),
        ("dir.d/file", "application/octet-stream"),
        ("trailing.", "application/octet-stream"),
        ("unknown.xyz", "application/octet-stream"),
    ])
    func typeForName(name: String, type: String) {
        #expect(MediaType.forFileName(name) == type)
    }

    @Test func textTypesDeclareUTF8() {
        for (fileExtension, type) in MediaType.byExtension where type.hasPrefix("text/") {
            #expect(type.hasSuffix("; charset=utf-8"), "\(fileExtension)")
        }
        #expect(MediaType.byExtension.count >= 30)
        #expect(MediaType.byExtension.keys.allSatisfy { $0 == $0.lowercased() })
    }
}

/// Entity tags and conditional requests.
@Suite struct ValidatorTests {
    let tag = EntityTag(opaque: "abc-10")

    @Test func derivedFromModificationTimeAndSize() {
        let tag = EntityTag(size: 16, modificationSeconds: 1, modificationNanoseconds: 5)
        #expect(tag.opaque == "3b9aca05-10")
        #expect(tag.headerValue == "\"3b9aca05-10\"")
        #expect(EntityTag(size: 16, modificationSeconds: 1, modificationNanoseconds: 6) != tag)
        #expect(EntityTag(size: 17, modificationSeconds: 1, modificationNanoseconds: 5) != tag)
        // A pre-1970 time must give a tag, not a trap.
        _ = EntityTag(size: 0, modificationSeconds: -10, modificationNanoseconds: 0)
    }

    @Test(arguments: [
        ("\"abc-10\"", true),
        ("W/\"abc-10\"", true),
        ("\"x\", \"abc-10\"", true),
        ("\"x\",W/\"abc-10\"", true),
        ("*", true),
        (" * ", true),
        ("\"x\"", false),
        ("\"abc-10,x\"", false),
        ("abc-10", false),
        ("\"x\", abc-10, \"abc-10\"", false),  // parsing stops at the malformed element
        ("", false),
    ])
    func ifNoneMatch(value: String, matches: Bool) {
        #expect(self.tag.matchesWeakly(ifNoneMatch: value[...]) == matches)
    }

    @Test func ifRangeNeedsOneStrongMatch() {
        #expect(self.tag.matchesStrongly(ifRange: "\"abc-10\""))
        #expect(!self.tag.matchesStrongly(ifRange: "W/\"abc-10\""))
        #expect(!self.tag.matchesStrongly(ifRange: "\"abc-10\", \"x\""))
        #expect(!self.tag.matchesStrongly(ifRange: "\"x\""))
    }

    @Test func listParsingKeepsCommasInsideTags() {
        let tags = EntityTag.parseList("\"a,b\", W/\"c\"")
        #expect(tags.map { String($0.opaque) } == ["a,b", "c"])
        #expect(tags.map(\.isWeak) == [false, true])
    }

    @Test func notModified() {
        let modified: Int64 = 784_111_777
        let date = "Sun, 06 Nov 1994 08:49:37 GMT"
        let earlier = "Sun, 06 Nov 1994 08:49:36 GMT"
        func check(_ conditions: ConditionalRequest) -> Bool {
            conditions.isNotModified(entityTag: self.tag, lastModified: modified)
        }
        #expect(!check(ConditionalRequest()))
        #expect(check(ConditionalRequest(ifNoneMatch: "\"abc-10\"")))
        #expect(!check(ConditionalRequest(ifNoneMatch: "\"other\"")))
        #expect(check(ConditionalRequest(ifModifiedSince: date)))
        #expect(check(ConditionalRequest(ifModifiedSince: "Mon, 07 Nov 1994 00:00:00 GMT")))
        #expect(!check(ConditionalRequest(ifModifiedSince: earlier)))
        #expect(!check(ConditionalRequest(ifModifiedSince: "yesterday")))
        // If-None-Match takes precedence over If-Modified-Since, both ways.
        #expect(!check(ConditionalRequest(ifNoneMatch: "\"other\"", ifModifiedSince: date)))
        #expect(check(ConditionalRequest(ifNoneMatch: "\"abc-10\"", ifModifiedSince: earlier)))
    }

    @Test func ifRange() {
        let modified: Int64 = 784_111_777
        func check(_ ifRange: String?) -> Bool {
            ConditionalRequest(ifRange: ifRange).rangeApplies(entityTag: self.tag, lastModified: modified)
        }
        #expect(check(nil))
        #expect(check("\"abc-10\""))
        #expect(check(" \"abc-10\" "))
        #expect(!check("W/\"abc-10\""))
        #expect(!check("\"other\""))
        #expect(check("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(!check("Sun, 06 Nov 1994 08:49:36 GMT"))
        #expect(!check("garbage"))
    }
}

/// The root containment check on resolved paths.
@Suite struct RootContainmentTests {
    @Test func insideAndOutside() {
        let resolver = StaticFileResolver(root: "/srv/www")
        #expect(resolver.relativeBytes(of: "/srv/www").map(Array.init) == [])
        #expect(resolver.relativeBytes(of: "/srv/www/a/b").map(Array.init) == Array("a/b".utf8))
        #expect(resolver.relativeBytes(of: "/srv/www-old/a") == nil)
        #expect(resolver.relativeBytes(of: "/srv/wwwx") == nil)
        #expect(resolver.relativeBytes(of: "/srv") == nil)
        #expect(resolver.relativeBytes(of: "/etc/passwd") == nil)
    }

    @Test func filesystemRoot() {
        let resolver = StaticFileResolver(root: "/")
        #expect(resolver.relativeBytes(of: "/").map(Array.init) == [])
        #expect(resolver.relativeBytes(of: "/etc/hostname").map(Array.init) == Array("etc/hostname".utf8))
    }

    @Test func comparesBytesNotCharacters() {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal Strings but different names on disk.
        let resolver = StaticFileResolver(root: "/srv/caf\u{E9}")
        #expect(resolver.relativeBytes(of: "/srv/cafe\u{301}/x") == nil)
        #expect(resolver.relativeBytes(of: "/srv/caf\u{E9}/x") != nil)
    }
}

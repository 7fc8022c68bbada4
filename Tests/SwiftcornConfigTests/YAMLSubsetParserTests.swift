import Testing

@testable import SwiftcornConfig

/// The YAML a configuration file uses is read as YAML reads it; anything else is refused with
/// its line and column, never read another way.
@Suite("YAMLSubsetParser: configuration YAML")
struct YAMLSubsetParserTests {
    static func scalar(_ text: String, line: Int, isNull: Bool = false) -> YAMLNode {
        .scalar(text, isNull: isNull, line: line)
    }

    static func error(_ text: String) -> YAMLSyntaxError? {
        do {
            _ = try YAMLSubsetParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("mappings, sections, both list forms, comments and nulls")
    func documentForms() throws {
        let text = """
            # a comment
            ---
            bind: [127.0.0.1:8000, "unix:/tmp/a b.sock"]  # trailing comment
            workers: 2
            pidfile:
            empty: ~
            access_log:
            - "-"
            - /var/log/a#b.log
            metrics:
              bind: 127.0.0.1:9464
              tags:
                - a
                - 'it''s'
            quoted: "tab\\tand \\"quote\\" \\u00e9 # kept"
            ...
            ignored: after the end
            """
        let root = try YAMLSubsetParser.parse(text)
        let expected = YAMLNode.mapping(
            [
                YAMLEntry(
                    key: "bind",
                    line: 3,
                    value: .sequence([Self.scalar("127.0.0.1:8000", line: 3), Self.scalar("unix:/tmp/a b.sock", line: 3)], line: 3)
                ),
                YAMLEntry(key: "workers", line: 4, value: Self.scalar("2", line: 4)),
                YAMLEntry(key: "pidfile", line: 5, value: Self.scalar("", line: 5, isNull: true)),
                YAMLEntry(key: "empty", line: 6, value: Self.scalar("~", line: 6, isNull: true)),
                YAMLEntry(
                    key: "access_log",
                    line: 7,
                    value: .sequence([Self.scalar("-", line: 8), Self.scalar("/var/log/a#b.log", line: 9)], line: 8)
                ),
                YAMLEntry(
                    key: "metrics",
                    line: 10,
                    value: .mapping(
                        [
                            YAMLEntry(key: "bind", line: 11, value: Self.scalar("127.0.0.1:9464", line: 11)),
                            YAMLEntry(
                                key: "tags",
                                line: 12,
                                value: .sequence([Self.scalar("a", line: 13), Self.scalar("it's", line: 14)], line: 13)
                            ),
                        ],
                        line: 11
                    )
                ),
                YAMLEntry(key: "quoted", line: 15, value: Self.scalar("tab\tand \"quote\" é # kept", line: 15)),
            ],
            line: 3
        )
        #expect(root == expected)
    }

    @Test("an empty document or one of comments holds nothing")
    func emptyDocuments() throws {
        #expect(try YAMLSubsetParser.parse("") == nil)
        #expect(try YAMLSubsetParser.parse("# only\n\n   # comments\n") == nil)
        #expect(try YAMLSubsetParser.parse("[]") == .sequence([], line: 1))
    }

    @Test(
        "what is not read is refused at its position",
        arguments: [
            ("workers: [1, 2\n", "not closed", 1, 10),
            ("a: 1\n\tb: 2\n", "tab", 2, 1),
            ("a: &x 1\n", "anchors", 1, 4),
            ("a: *x\n", "anchors", 1, 4),
            ("a: !!str 1\n", "tags", 1, 4),
            ("a: |\n  text\n", "block scalars", 1, 4),
            ("a: {b: 1}\n", "flow mappings", 1, 4),
            ("a: one\n  two\n", "goes on", 2, 3),
            ("a: 1\na: 2\n", "set twice (first at line 1)", 2, 1),
            ("a:\n    b: 1\n  c: 2\n", "indentation", 3, 3),
            ("a: b: c\n", "': '", 1, 4),
            ("a: \"open\n", "not closed", 1, 4),
            ("a: \"bad \\q\"\n", "unknown escape", 1, 9),
            ("a: [x, [y]]\n", "nested", 1, 8),
            ("a: 1\n---\nb: 2\n", "one document", 2, 1),
            ("- a: 1\n", "single value", 1, 3),
            ("  a: 1\n", "indented", 1, 1),
        ] as [(String, String, Int, Int)]
    )
    func refusals(_ text: String, _ problem: String, _ line: Int, _ column: Int) {
        let error = Self.error(text)
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
        #expect(error?.line == line)
        #expect(error?.column == column)
    }
}

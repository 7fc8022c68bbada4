/// The wire form of a ``ServerConfiguration`` passed from the master to its workers.
///
/// One line per value: the setting's key, a tab, the value as `--print-config` shows it
/// (a list setting has a line per item, an empty list a line with its key alone, an unset
/// setting an empty value), with `\`, tab and newline escaped. Decoding applies the lines through the settings, as a configuration file
/// is applied, so the form needs no JSON coder: the server links no Foundation. An app's settings
/// (``AppSetting``) travel as `@KEY` lines of their validated text, so a worker needs no table to
/// read them back.
package enum ConfigurationCoding {
    /// Encodes `configuration`.
    package static func encode(_ configuration: ServerConfiguration) -> String {
        var text = ""
        for setting in Setting.all {
            switch setting.render(configuration) {
            case .scalar(let value):
                Self.appendLine(setting.key, value, to: &text)
            case .list(let items):
                if items.isEmpty { Self.appendLine(setting.key, nil, to: &text) }
                for item in items { Self.appendLine(setting.key, item, to: &text) }
            case .null:
                // An empty value unsets, as in a file or on the command line.
                Self.appendLine(setting.key, "", to: &text)
            }
        }
        for (key, value) in configuration.appValues.sorted(by: { $0.key < $1.key }) {
            Self.appendLine("@" + key, value, to: &text)
        }
        return text
    }

    /// Decodes what ``encode(_:)`` produced.
    package static func decode(_ text: String) throws(ConfigurationError) -> ServerConfiguration {
        var values: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let (key, value) = Self.split(line)
            values[key, default: []] += value.map { [$0] } ?? []
        }
        var configuration = ServerConfiguration()
        for (key, value) in values where key.hasPrefix("@") {
            configuration.appValues[String(key.dropFirst())] = value.last ?? ""
            values[key] = nil
        }
        for setting in Setting.all {
            if let settingValues = values.removeValue(forKey: setting.key) {
                try setting.apply(settingValues, &configuration)
            }
        }
        if let unknown = values.keys.first {
            throw ConfigurationError(.unknownOption, key: unknown, expected: "a setting of this version of swiftcorn")
        }
        return configuration
    }

    private static func appendLine(_ key: String, _ value: String?, to text: inout String) {
        text += key
        if let value {
            text += "\t"
            for character in value {
                switch character {
                case "\\": text += "\\\\"
                case "\t": text += "\\t"
                case "\n": text += "\\n"
                default: text.append(character)
                }
            }
        }
        text += "\n"
    }

    private static func split(_ line: Substring) -> (key: String, value: String?) {
        guard let tab = line.firstIndex(of: "\t") else { return (String(line), nil) }
        var value = ""
        var escaped = false
        for character in line[line.index(after: tab)...] {
            if escaped {
                value.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                value.append(character)
            }
        }
        return (String(line[..<tab]), value)
    }
}

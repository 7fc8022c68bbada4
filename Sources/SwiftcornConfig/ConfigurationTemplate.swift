/// The texts `--print-config yaml` and `--check-config` print.
package enum ConfigurationTemplate {
    /// A complete configuration file of the defaults, every key commented.
    package static func yaml(_ table: SettingsTable = .swiftcorn) -> String {
        let defaults = ServerConfiguration()
        var text = """
            # \(table.name) configuration: every setting with its default.
            # Precedence: command-line flags > SWIFTCORN_<KEY> environment variables > this file > defaults.
            # Durations: 500ms, 30s, 5m, 1h. Sizes: 512KiB, 10MiB, 1GB.

            """
        var currentSection: String?
        for setting in table.settings {
            if setting.section != currentSection {
                currentSection = setting.section
                if let section = currentSection {
                    text += "\n\(section):\n"
                }
            }
            let indent = setting.section == nil ? "" : "  "
            let comment = "\(setting.help); flag \(setting.flags.last ?? ""), env \(setting.environmentVariable)"
            text += "\(indent)# \(comment)\n"
            let value = setting.key == "workers" ? .scalar("\(defaults.workers)") : setting.render(defaults)
            text += "\(indent)\(setting.leafKey): \(value.yaml)\n"
        }
        return text
    }

    /// The resolved configuration, one setting a line, each with its source.
    package static func report(_ resolved: ResolvedConfiguration, table: SettingsTable = .swiftcorn) -> String {
        var lines: [String] = []
        if let file = resolved.configFile {
            lines.append("# configuration file: \(file)")
        }
        let width = table.settings.map(\.key.count).max() ?? 0
        for setting in table.settings {
            let value = setting.render(resolved.configuration).yaml
            let padding = String(repeating: " ", count: max(1, width - setting.key.count + 1))
            lines.append("\(setting.key):\(padding)\(value)  # \(resolved.source(of: setting.key))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

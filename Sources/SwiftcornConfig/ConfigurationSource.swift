/// Where a configuration value came from, for error messages and `--check-config`.
public enum ConfigurationSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Swiftcorn's built-in default.
    case defaultValue
    /// A YAML file, at a line.
    case file(path: String, line: Int)
    /// An environment variable.
    case environment(variable: String)
    /// A command-line flag.
    case flag(name: String)

    /// Ranks sources by precedence: a higher one overrides a lower one.
    var precedence: Int {
        switch self {
        case .defaultValue: 0
        case .file: 1
        case .environment: 2
        case .flag: 3
        }
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path, let line): "file \(path):\(line)"
        case .environment(let variable): "env \(variable)"
        case .flag(let name): "flag \(name)"
        }
    }
}

import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// What the command line asks Swiftcorn to do.
public enum ConfigurationRequest: Sendable {
    /// Run the server.
    case run(ResolvedConfiguration)
    /// Print the resolved configuration with sources and exit 0 (`--check-config`).
    case check(ResolvedConfiguration)
    /// Print a complete, commented YAML file of the defaults and exit 0 (`--print-config yaml`).
    case printTemplate(String)
    /// Print the usage text and exit 0.
    case help(String)
    /// Print the version and exit 0.
    case version
}

/// Resolves the configuration from its sources: flags > `SWIFTCORN_<KEY>` environment variables >
/// the YAML file (`-c FILE` or `SWIFTCORN_CONFIG`) > defaults.
///
/// Every mistake in every source is collected, so an operator fixes them all in one go. The same
/// function serves a reload: it only reads its inputs and the file, and changes nothing.
public enum ConfigurationLoader {
    /// Environment variables that carry no setting: the master-to-worker contract, the file
    /// location, and the test kit's own.
    static let reservedVariables = Set(["SWIFTCORN_CONFIG"] + WorkerLaunch.variableNames + UpgradeEnvironment.variableNames)
    static let reservedPrefixes = ["SWIFTCORN_TEST_"]

    /// Reads `arguments` (without the program name) and `environment`.
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationErrors) -> ConfigurationRequest {
        let commandLine = CommandLineArguments(arguments)
        if commandLine.help { return .help(CommandLineArguments.usage) }
        if commandLine.version { return .version }
        if let format = commandLine.printConfig {
            guard format == "yaml" else {
                throw ConfigurationErrors([
                    ConfigurationError(.invalidValue, key: "--print-config", value: format, expected: "yaml", source: .flag(name: "--print-config"))
                ])
            }
            return .printTemplate(ConfigurationTemplate.yaml())
        }
        var errors = commandLine.errors
        var assignments: [ConfigurationAssignment] = []
        let configFile = commandLine.configFile ?? environment["SWIFTCORN_CONFIG"]
        if let configFile {
            let file = YAMLConfigurationFile.read(path: configFile)
            assignments += file.assignments
            errors += file.errors
        }
        let fromEnvironment = Self.environmentAssignments(environment)
        assignments += fromEnvironment.assignments
        errors += fromEnvironment.errors
        assignments += commandLine.assignments

        var resolved = ResolvedConfiguration(configuration: ServerConfiguration(), sources: [:], configFile: configFile)
        // Sources are applied lowest first, so each value ends up from the highest source that set it.
        for assignment in assignments.sorted(by: { $0.source.precedence < $1.source.precedence }) {
            do {
                try assignment.setting.apply(assignment.values, &resolved.configuration)
                resolved.sources[assignment.setting.key] = assignment.source
            } catch {
                var located = error
                located.source = assignment.source
                errors.append(located)
            }
        }
        errors += Self.crossChecks(resolved)
        guard errors.isEmpty else { throw ConfigurationErrors(errors) }
        return commandLine.checkConfig ? .check(resolved) : .run(resolved)
    }

    private static func environmentAssignments(
        _ environment: [String: String]
    ) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        var assignments: [ConfigurationAssignment] = []
        var errors: [ConfigurationError] = []
        let byVariable = Dictionary(uniqueKeysWithValues: Setting.all.map { ($0.environmentVariable, $0) })
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("SWIFTCORN_") {
            if Self.reservedVariables.contains(name) || Self.reservedPrefixes.contains(where: name.hasPrefix) { continue }
            let source = ConfigurationSource.environment(variable: name)
            guard let setting = byVariable[name] else {
                let suggestion =
                    Setting.closest(to: name, among: Array(byVariable.keys)).map { "did you mean '\($0)'?" } ?? "see --help for the options"
                errors.append(ConfigurationError(.unknownOption, key: name, expected: suggestion, source: source))
                continue
            }
            let values = setting.isList ? value.split(separator: ",").map { String($0).trimmed } : [value]
            assignments.append(ConfigurationAssignment(setting: setting, values: values, source: source))
        }
        return (assignments, errors)
    }

    /// Rules that involve more than one setting, or the file system.
    private static func crossChecks(_ resolved: ResolvedConfiguration) -> [ConfigurationError] {
        var errors: [ConfigurationError] = []
        let configuration = resolved.configuration
        if configuration.app == "static" {
            if let root = configuration.staticRoot {
                var info = stat()
                let isDirectory = stat(root, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
                if !isDirectory || access(root, R_OK | X_OK) != 0 {
                    errors.append(
                        ConfigurationError(
                            .invalidValue,
                            key: "static_root",
                            value: root,
                            expected: "a readable directory for app static",
                            source: resolved.source(of: "static_root")
                        )
                    )
                }
            } else {
                errors.append(
                    ConfigurationError(
                        .missingValue,
                        key: "static_root",
                        expected: "a directory to serve (--root DIR) for app static",
                        source: resolved.source(of: "app")
                    )
                )
            }
        }
        return errors
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

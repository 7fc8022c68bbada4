import SwiftcornSystem

/// What the command line asks Swiftcorn to do.
package enum ConfigurationRequest: Sendable {
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
package enum ConfigurationLoader {
    /// Environment variables that carry no setting: the master-to-worker contract, the file
    /// location, and the test kit's own.
    static let reservedVariables = Set(["SWIFTCORN_CONFIG"] + WorkerLaunch.variableNames + UpgradeEnvironment.variableNames)
    static let reservedPrefixes = ["SWIFTCORN_TEST_"]

    /// Reads `arguments` (without the program name) and `environment`.
    package static func load(
        arguments: [String],
        environment: [String: String],
        table: SettingsTable = .swiftcorn
    ) throws(ConfigurationErrors) -> ConfigurationRequest {
        let commandLine = CommandLineArguments(arguments, table: table)
        if commandLine.help { return .help(CommandLineArguments.usage(table)) }
        if commandLine.version { return .version }
        if let format = commandLine.printConfig {
            guard format == "yaml" else {
                throw ConfigurationErrors([
                    ConfigurationError(.invalidValue, key: "--print-config", value: format, expected: "yaml", source: .flag(name: "--print-config"))
                ])
            }
            return .printTemplate(ConfigurationTemplate.yaml(table))
        }
        var errors = commandLine.errors
        var assignments: [ConfigurationAssignment] = []
        let configFile = commandLine.configFile ?? environment["SWIFTCORN_CONFIG"]
        if let configFile {
            let file = YAMLConfigurationFile.read(path: configFile, table: table)
            assignments += file.assignments
            errors += file.errors
        }
        let fromEnvironment = Self.environmentAssignments(environment, table: table)
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
        for var error in table.check(resolved.configuration) {
            error.source = error.source ?? resolved.source(of: error.key)
            errors.append(error)
        }
        guard errors.isEmpty else { throw ConfigurationErrors(errors) }
        return commandLine.checkConfig ? .check(resolved) : .run(resolved)
    }

    private static func environmentAssignments(
        _ environment: [String: String],
        table: SettingsTable
    ) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        var assignments: [ConfigurationAssignment] = []
        var errors: [ConfigurationError] = []
        let byVariable = Dictionary(uniqueKeysWithValues: table.settings.map { ($0.environmentVariable, $0) })
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("SWIFTCORN_") {
            if Self.reservedVariables.contains(name) || Self.reservedPrefixes.contains(where: name.hasPrefix) { continue }
            let source = ConfigurationSource.environment(variable: name)
            guard let setting = byVariable[name] else {
                let suggestion =
                    Setting.closest(to: name, among: Array(byVariable.keys)).map { "did you mean '\($0)'?" } ?? "see --help for the options"
                errors.append(ConfigurationError(.unknownOption, key: name, expected: suggestion, source: source))
                continue
            }
            let values = setting.isList ? value.split(separator: ",").map { String($0.trimmingSpaces()) } : [value]
            assignments.append(ConfigurationAssignment(setting: setting, values: values, source: source))
        }
        return (assignments, errors)
    }
}

/// A value for one setting from one source, before it is applied.
struct ConfigurationAssignment: Sendable {
    let setting: Setting
    var values: [String]
    let source: ConfigurationSource
}

/// A configuration together with where each of its values came from.
package struct ResolvedConfiguration: Sendable {
    /// The values.
    package var configuration: ServerConfiguration
    /// The source of each setting's value, by YAML key; settings left at their default are absent.
    package var sources: [String: ConfigurationSource]
    /// The YAML file that was read, if any.
    package var configFile: String?

    /// The source of `key`'s value.
    package func source(of key: String) -> ConfigurationSource {
        self.sources[key] ?? .defaultValue
    }
}

/// Re-reads every configuration source with the inputs the master started with, for a reload.
package struct ConfigurationReloader: Sendable {
    /// The command line, without the program name.
    package let arguments: [String]
    /// The environment the master started with.
    package let environment: [String: String]
    /// The settings the server reads.
    package let table: SettingsTable

    /// Creates a reloader over the master's original inputs.
    package init(arguments: [String], environment: [String: String], table: SettingsTable = .swiftcorn) {
        self.arguments = arguments
        self.environment = environment
        self.table = table
    }

    /// The configuration the sources hold now, or every mistake in them; a caller keeps its
    /// running configuration on failure.
    package func reload() -> Result<ResolvedConfiguration, ConfigurationErrors> {
        do {
            switch try ConfigurationLoader.load(arguments: self.arguments, environment: self.environment, table: self.table) {
            case .run(let resolved), .check(let resolved):
                return .success(resolved)
            case .help, .version, .printTemplate:
                return .failure(ConfigurationErrors([ConfigurationError(.invalidValue, key: "arguments", expected: "arguments that run a server")]))
            }
        } catch {
            return .failure(error)
        }
    }
}

/// Re-reads every configuration source with the inputs the master started with, for a reload.
public struct ConfigurationReloader: Sendable {
    /// The command line, without the program name.
    public let arguments: [String]
    /// The environment the master started with.
    public let environment: [String: String]

    /// Creates a reloader over the master's original inputs.
    public init(arguments: [String], environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment
    }

    /// The configuration the sources hold now, or every mistake in them; a caller keeps its
    /// running configuration on failure.
    public func reload() -> Result<ResolvedConfiguration, ConfigurationErrors> {
        do {
            switch try ConfigurationLoader.load(arguments: self.arguments, environment: self.environment) {
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

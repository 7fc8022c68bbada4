/// A configuration together with where each of its values came from.
public struct ResolvedConfiguration: Sendable {
    /// The values.
    public var configuration: ServerConfiguration
    /// The source of each setting's value, by YAML key; settings left at their default are absent.
    public var sources: [String: ConfigurationSource]
    /// The YAML file that was read, if any.
    public var configFile: String?

    /// The source of `key`'s value.
    public func source(of key: String) -> ConfigurationSource {
        self.sources[key] ?? .defaultValue
    }
}

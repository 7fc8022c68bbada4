import FoundationEssentials

/// The wire form of a ``ServerConfiguration`` passed from the master to its workers.
public enum ConfigurationCoding {
    /// Encodes `configuration` as JSON.
    public static func encode(_ configuration: ServerConfiguration) -> String {
        // Encoding a plain value type with no custom encoders cannot fail.
        let data = try! JSONEncoder().encode(configuration)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes what ``encode(_:)`` produced.
    public static func decode(_ json: String) throws -> ServerConfiguration {
        try JSONDecoder().decode(ServerConfiguration.self, from: Data(json.utf8))
    }
}

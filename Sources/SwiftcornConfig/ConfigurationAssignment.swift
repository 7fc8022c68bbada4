/// A value for one setting from one source, before it is applied.
struct ConfigurationAssignment: Sendable {
    let setting: Setting
    var values: [String]
    let source: ConfigurationSource
}

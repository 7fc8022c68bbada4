import Swiftcorn

/// The demo's server hooks: marks slow requests in the access log (an example of
/// ``ServerHooks/postRequest``).
package enum DemoHooks {
    package static func make() -> ServerHooks {
        var hooks = ServerHooks()
        hooks.postRequest = { summary in
            if summary.duration >= .seconds(1) {
                summary.addField("slow", "true")
            }
        }
        return hooks
    }
}

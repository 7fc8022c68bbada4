import Foundation

extension TestServer {
    /// Waits until the workers have served at least `count` requests, as the side port's
    /// `swiftcorn_worker_requests_total` counts them: a load started in the background is then
    /// flowing, whatever the machine's speed, so an event sent next happens under load.
    public func waitForServedRequests(_ count: Int, timeout: Duration = .seconds(20)) throws {
        guard let metricsPort = self.metricsPort else {
            throw TestServerError.noSidePort
        }
        try Poll.until("\(count) requests served", timeout: timeout) {
            guard let scrape = try? MetricsScrape.fetch(port: metricsPort), let exposition = try? Exposition(parsing: scrape.text)
            else { return false }
            let served = exposition.samples(named: "swiftcorn_worker_requests_total").reduce(0) { $0 + $1.value }
            return served >= Double(count)
        }
    }
}

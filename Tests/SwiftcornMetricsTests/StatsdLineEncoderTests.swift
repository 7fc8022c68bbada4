import Testing

@testable import SwiftcornMetrics

@Suite("StatsdLineEncoder")
struct StatsdLineEncoderTests {
    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @Test func countersAreIntegral() {
        let encoder = StatsdLineEncoder(prefix: "app", tags: [])
        #expect(text(encoder.counter("requests", 1)) == "app.requests:1|c")
        #expect(text(encoder.counter("requests", 1000)) == "app.requests:1000|c")
        #expect(text(encoder.counter("delta", -3)) == "app.delta:-3|c")
        #expect(text(encoder.counter("zero", 0)) == "app.zero:0|c")
        #expect(text(encoder.counter("max", .max)) == "app.max:9223372036854775807|c")
        #expect(text(encoder.counter("min", .min)) == "app.min:-9223372036854775808|c")
    }

    @Test func gaugesDropTheDecimalPointWhenIntegral() {
        let encoder = StatsdLineEncoder(prefix: "app", tags: [])
        #expect(text(encoder.gauge("workers", 4)) == "app.workers:4|g")
        #expect(text(encoder.gauge("load", 0.5)) == "app.load:0.5|g")
        #expect(text(encoder.gauge("zero", 0)) == "app.zero:0|g")
    }

    @Test func negativeGaugesResetToZeroFirst() {
        let encoder = StatsdLineEncoder(prefix: "app", tags: ["env:test"])
        #expect(text(encoder.gauge("temperature", -2.5)) == "app.temperature:0|g|#env:test\napp.temperature:-2.5|g|#env:test")
    }

    @Test func timingsHaveUpToThreeDecimals() {
        let encoder = StatsdLineEncoder(prefix: "app", tags: [])
        #expect(text(encoder.timing("request.duration", milliseconds: 12.345)) == "app.request.duration:12.345|ms")
        #expect(text(encoder.timing("t", milliseconds: 12.5)) == "app.t:12.5|ms")
        #expect(text(encoder.timing("t", milliseconds: 12.05)) == "app.t:12.05|ms")
        #expect(text(encoder.timing("t", milliseconds: 0.001)) == "app.t:0.001|ms")
        #expect(text(encoder.timing("t", milliseconds: 0.0004)) == "app.t:0|ms")
        #expect(text(encoder.timing("t", milliseconds: 1.9996)) == "app.t:2|ms")
        #expect(text(encoder.timing("t", milliseconds: 250)) == "app.t:250|ms")
        #expect(text(encoder.timing("t", milliseconds: 1e16)) == "app.t:10000000000000000|ms")
        #expect(text(encoder.timing("t", milliseconds: -0.0001)) == "app.t:0|ms")
    }

    @Test func tagsAreAppendedToEveryLine() {
        let encoder = StatsdLineEncoder(prefix: "app", tags: ["env:test", "app:x"])
        #expect(text(encoder.counter("requests", 2)) == "app.requests:2|c|#env:test,app:x")
        #expect(text(encoder.timing("request.duration", milliseconds: 1.5)) == "app.request.duration:1.5|ms|#env:test,app:x")
        #expect(text(encoder.gauge("workers", 3)) == "app.workers:3|g|#env:test,app:x")
    }

    @Test func tagsAreSanitizedButKeepColonsAndSlashes() {
        let encoder = StatsdLineEncoder(prefix: "", tags: ["url:http://x/y", "bad|tag,#x", ""])
        #expect(text(encoder.counter("c", 1)) == "c:1|c|#url:http://x/y,bad_tag__x")
    }

    @Test func namesAreSanitized() {
        let encoder = StatsdLineEncoder(prefix: "my app", tags: [])
        #expect(text(encoder.counter("a:b|c@d#e\nf g", 1)) == "my_app.a_b_c_d_e_f_g:1|c")
        #expect(text(encoder.counter("caf\u{E9}-ok_1.2", 1)) == "my_app.caf_-ok_1.2:1|c")
        #expect(text(encoder.counter("", 1)) == "my_app._:1|c")
    }

    @Test func emptyPrefixHasNoLeadingDot() {
        let encoder = StatsdLineEncoder(prefix: "", tags: [])
        #expect(text(encoder.counter("requests", 1)) == "requests:1|c")
    }

    @Test func prefixWithTrailingDotIsNotDoubled() {
        let encoder = StatsdLineEncoder(prefix: "gunicorn.", tags: [])
        #expect(text(encoder.counter("requests", 1)) == "gunicorn.requests:1|c")
    }

    @Test func gunicornStatusNames() {
        #expect(StatsdMetricNames.requestStatus(200) == "request.status.200")
        #expect(StatsdMetricNames.requestStatus(599) == "request.status.599")
        #expect(StatsdMetricNames.requestStatus(42) == "request.status.42")
    }
}

import HTTPTypes
import NIOCore
import SwiftcornApp

/// What a connection knows about the request it is serving.
///
/// A class: the handler updates it at every step of a request, and copying a struct of this
/// size in and out of the handler's optional cost more than the request's own work (measured).
/// Event-loop confined, like its handler.
final class ActiveRequest {
    /// Feeds the body to the application; `nil` when there is no body or the application stopped reading.
    var bodySource: RequestBody.Producer.Source?
    /// A request without a body, held from its head until its end to be answered.
    var unansweredRequest: Request?
    /// Whether the request's `end` has arrived.
    var requestEnded = false
    /// Whether the response head has been written.
    var responseStarted = false
    /// Whether the whole response has been written.
    var responseEnded = false
    /// Body bytes received so far.
    var bodyBytes = 0
    /// The client and the server agree to keep the connection open afterwards.
    var keepAlive: Bool
    /// A HEAD request: the response carries no body.
    let isHead: Bool
    /// HTTP/1.0 clients cannot receive chunked bodies.
    let isHTTP10: Bool
    /// The request asked for `100 Continue` and has not received it.
    var expectsContinue: Bool
    /// Matches ``HTTPConnectionHandler/generation`` while this request is current.
    let generation: Int
    /// The request method, for the access record.
    let method: String
    /// The request target as received, for the access record.
    let target: String
    /// The id echoed in `X-Request-ID` and logged.
    let requestID: String
    /// The client: the peer, or the first `X-Forwarded-For` address of a trusted peer.
    let clientAddress: String
    /// When the head was decoded (monotonic): the start of the record's duration.
    let started: NIODeadline
    /// The response status, once the head is written.
    var status = 0
    /// Response body bytes written.
    var bytesOut = 0
    /// The route template the application set.
    var route: String?
    /// Key in the worker's ``InFlightRequests``.
    var flightKey: UInt64 = 0
    /// Header values the access record needs, picked up by the head scan.
    var userAgent = ""
    var referer = ""
    var host = ""

    init(
        keepAlive: Bool,
        isHead: Bool,
        isHTTP10: Bool,
        expectsContinue: Bool,
        generation: Int,
        method: String,
        target: String,
        requestID: String,
        clientAddress: String,
        started: NIODeadline
    ) {
        self.keepAlive = keepAlive
        self.isHead = isHead
        self.isHTTP10 = isHTTP10
        self.expectsContinue = expectsContinue
        self.generation = generation
        self.method = method
        self.target = target
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.started = started
    }
}

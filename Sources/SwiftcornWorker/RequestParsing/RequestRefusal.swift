import HTTPTypes

/// A request the server answers itself, with `status`, and then closes the connection.
struct RequestRefusal: Error, Equatable {
    var status: HTTPResponse.Status

    init(_ status: HTTPResponse.Status) {
        self.status = status
    }
}

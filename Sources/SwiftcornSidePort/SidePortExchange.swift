/// A request to the side port, reduced to what its routes look at.
struct SidePortRequest: Sendable {
    var method: String
    /// The path without the query.
    var path: String
    var accept: String?
    var acceptEncoding: String?
    var authorization: String?
}

/// A side port response.
struct SidePortResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []
    /// The body is in the scrape scratch memory instead of ``body``.
    var scratchBody: ScratchBody?

    /// Which scratch array holds the body.
    enum ScratchBody: Sendable {
        case text
        case gzip
    }

    /// A short plain-text answer.
    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> SidePortResponse {
        SidePortResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), headers: headers)
    }
}

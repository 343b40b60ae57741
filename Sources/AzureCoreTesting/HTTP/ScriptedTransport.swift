import AzureCore
import Foundation
import HTTPTypes
import Synchronization

/// An `HTTPTransport` that answers from a script instead of the network, and records every request.
///
/// Build one from a handler that sees each request, its body and its 0-based index, or from a list of responses
/// answered in order:
///
/// ```swift
/// let transport = ScriptedTransport { request, _, index in
///     index == 0 ? .status(503, headers: ["Retry-After": "0"]) : .json(200, #"{"value":"v"}"#)
/// }
/// _ = try await transport.send(HTTPRequest(method: .get, scheme: "https", authority: "kv.test", path: "/"), body: nil)
/// #expect(transport.requests.count == 1)
/// ```
///
/// The handler may throw (a transport failure) or suspend (a slow server; it honours task cancellation if it
/// sleeps with `Task.sleep`).
public final class ScriptedTransport: HTTPTransport, Sendable {
    /// Answers one request: the request, its body, and its 0-based index among the requests sent so far.
    public typealias Handler = @Sendable (HTTPRequest, Data?, Int) async throws -> HTTPTransportResponse

    private let handler: Handler
    private let recorded = Mutex<[(request: HTTPRequest, body: Data?)]>([])

    /// Creates a transport that answers with a handler.
    /// - Parameter handler: Gets each request, its body and its index; returns the response or throws.
    public init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Creates a transport that answers the requests with these responses in order, then repeats the last one.
    /// - Parameter responses: The responses (at least one).
    public convenience init(responses: [HTTPTransportResponse]) {
        precondition(!responses.isEmpty, "ScriptedTransport needs at least one response")
        self.init { _, _, index in responses[min(index, responses.count - 1)] }
    }

    /// Records the request and answers it with the script.
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The body.
    /// - Returns: The scripted response.
    /// - Throws: What the handler throws.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        let index = recorded.withLock { requests in
            requests.append((request, body))
            return requests.count - 1
        }
        return try await handler(request, body, index)
    }

    /// The requests sent so far, in order.
    public var requests: [HTTPRequest] { recorded.withLock { $0.map(\.request) } }

    /// The bodies sent so far, in order (`nil` for a request without one).
    public var bodies: [Data?] { recorded.withLock { $0.map(\.body) } }

    /// The number of requests sent so far.
    public var requestCount: Int { recorded.withLock { $0.count } }
}

extension HTTPTransportResponse {
    /// A response with a status, optional headers and a body, for scripted transports.
    /// - Parameters:
    ///   - code: The HTTP status code.
    ///   - headers: Header fields by name.
    ///   - body: The body bytes.
    /// - Returns: The response.
    public static func status(_ code: Int, headers: [String: String] = [:], body: Data = Data()) -> HTTPTransportResponse {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return HTTPTransportResponse(response: HTTPResponse(status: .init(code: code), headerFields: fields), body: body)
    }

    /// A JSON response (`Content-Type: application/json; charset=utf-8`), for scripted transports.
    /// - Parameters:
    ///   - code: The HTTP status code.
    ///   - json: The JSON text.
    ///   - headers: More header fields by name.
    /// - Returns: The response.
    public static func json(_ code: Int, _ json: String, headers: [String: String] = [:]) -> HTTPTransportResponse {
        var all = headers
        all["Content-Type"] = all["Content-Type"] ?? "application/json; charset=utf-8"
        return status(code, headers: all, body: Data(json.utf8))
    }
}

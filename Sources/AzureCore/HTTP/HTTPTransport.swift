import Foundation
public import HTTPTypes

/// The response of an ``HTTPTransport``: the status line and headers, and the whole body.
public struct HTTPTransportResponse: Sendable {
    /// Status and header fields.
    public var response: HTTPResponse
    /// The body, read completely.
    public var body: Data

    /// Creates a response.
    /// - Parameters:
    ///   - response: Status and header fields.
    ///   - body: The body bytes.
    public init(response: HTTPResponse, body: Data) {
        self.response = response
        self.body = body
    }

    /// The HTTP status code.
    public var statusCode: Int { response.status.code }
}

/// The one thing every client in the suite needs from HTTP: send a request with an optional body and get the
/// whole response back.
///
/// The default implementation is ``AsyncHTTPClientTransport``; ``URLSessionTransport`` exists for users who avoid
/// SwiftNIO. Tests pass `ScriptedTransport` from the `AzureCoreTesting` library, which answers from a closure or a
/// list of responses and records the requests. Implementations must be safe to call concurrently.
public protocol HTTPTransport: Sendable {
    /// Sends a request and reads the whole response.
    /// - Parameters:
    ///   - request: Method, URL (scheme, authority, path) and header fields.
    ///   - body: The request body, if any.
    /// - Returns: The response with its full body.
    /// - Throws: A transport error (connection refused, timeout, TLS failure). HTTP error statuses are returned,
    ///   not thrown.
    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse
}

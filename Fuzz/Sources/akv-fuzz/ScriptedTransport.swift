import AzureCore
import Foundation
import HTTPTypes
import Synchronization

/// An ``HTTPTransport`` that answers from a fixed list of responses, in order, and then with a 599 (the fuzz
/// input has run out). It sends nothing anywhere.
final class FuzzScriptedTransport: HTTPTransport {
    private let responses: Mutex<[HTTPTransportResponse]>

    /// Creates a transport that answers with `responses`.
    init(_ responses: [HTTPTransportResponse]) {
        self.responses = Mutex(responses.reversed())
    }

    /// Returns the next response.
    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        let next = responses.withLock { $0.popLast() }
        return next ?? HTTPTransportResponse(response: HTTPResponse(status: .init(code: 599)), body: Data())
    }
}

import AzureCore
import Foundation
import HTTPTypes
import Synchronization

/// A token endpoint in memory: answers every request with a token and records the client assertions it received,
/// or answers with a fixed body.
final class CountingTokenTransport: HTTPTransport {
    private let received = Mutex<[String]>([])
    private let sent = Mutex(0)
    private let fixedBody: Data?
    private let fixedStatus: Int

    init(status: Int = 200, body: String? = nil) {
        fixedStatus = status
        fixedBody = body.map { Data($0.utf8) }
    }

    /// The number of requests received.
    var requests: Int { sent.withLock { $0 } }

    /// The `client_assertion` values received, in order.
    var assertions: [String] { received.withLock { $0 } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        sent.withLock { $0 += 1 }
        let form = String(decoding: body ?? Data(), as: UTF8.self)
        for pair in form.split(separator: "&") where pair.hasPrefix("client_assertion=") {
            let value = pair.dropFirst("client_assertion=".count).removingPercentEncoding ?? ""
            received.withLock { $0.append(value) }
        }
        let count = received.withLock { $0.count }
        let payload = fixedBody ?? Data(#"{"access_token":"token-\#(count)","expires_in":3600,"token_type":"Bearer"}"#.utf8)
        return HTTPTransportResponse(
            response: HTTPResponse(status: .init(code: fixedStatus), headerFields: [.contentType: "application/json"]),
            body: payload
        )
    }
}

import AzureCore
import Foundation
import HTTPTypes
import Synchronization

/// A closure-backed ``HTTPTransport`` that records every request and answers with a scripted handler.
final class FakeTransport: HTTPTransport, Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPTransportResponse

    private let handler: Handler
    private let recorded = Mutex<[HTTPRequest]>([])

    /// - Parameter handler: Gets each request and its 0-based index, returns the response.
    init(_ handler: @escaping Handler) { self.handler = handler }

    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        let index = recorded.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        return try handler(request, index)
    }

    /// The requests sent so far.
    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    /// A response with a JSON body.
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPTransportResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return HTTPTransportResponse(
            response: HTTPResponse(status: HTTPResponse.Status(code: status), headerFields: fields),
            body: Data(body.utf8)
        )
    }

    /// Key Vault's 401 challenge.
    static func challenge(
        authorization: String = "https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47",
        resource: String = "https://vault.azure.net"
    ) -> HTTPTransportResponse {
        json(
            401,
            #"{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}"#,
            headers: [("WWW-Authenticate", #"Bearer authorization="\#(authorization)", resource="\#(resource)""#)]
        )
    }
}

/// A credential that records what it was asked for and hands out numbered tokens.
final class FakeCredential: TokenCredential, Sendable {
    private let recorded = Mutex<[TokenRequestContext]>([])

    func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let count = recorded.withLock { requests in
            requests.append(request)
            return requests.count
        }
        return AccessToken(token: "token-\(count)", expiresOn: Date().addingTimeInterval(3600))
    }

    var requests: [TokenRequestContext] { recorded.withLock { $0 } }
}

import AzureCore
import Foundation
import HTTPTypes

/// A transport that counts Key Vault's 429 answers (`keyvault_throttled_responses_total`, and the current mount's
/// ``ThrottleTally``), every attempt included.
struct MeteredTransport: HTTPTransport {
    let base: any HTTPTransport
    let metrics: ProviderMetrics

    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        let response = try await base.send(request, body: body)
        if response.statusCode == 429 {
            metrics.throttledResponse()
            ThrottleTally.current?.add()
        }
        return response
    }
}

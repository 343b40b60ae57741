import AzureCore
import Foundation
import HTTPTypes
import Testing

@Suite struct URLSessionTransportTests {
    @Test func refusesPlainHTTPToNonLoopbackHosts() async throws {
        let transport = URLSessionTransport()
        let error = try await #require(throws: AzureCoreError.self) {
            try await transport.send(HTTPRequest(method: .get, targetURL: URL(string: "http://vault.azure.net/x")!), body: nil)
        }
        #expect(error.code == .insecureRequest)
    }

    @Test func reportsConnectionFailuresOnLoopback() async throws {
        let transport = URLSessionTransport(requestTimeout: .seconds(5))
        let error = try await #require(throws: AzureCoreError.self) {
            try await transport.send(HTTPRequest(method: .get, targetURL: URL(string: "http://127.0.0.1:9/x")!), body: nil)
        }
        #expect(error.code == .connectionFailed || error.code == .timedOut)
    }
}

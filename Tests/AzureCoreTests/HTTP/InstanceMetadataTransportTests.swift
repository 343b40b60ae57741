import AzureCoreTesting
import AsyncHTTPClient
import AzureCore
import Foundation
import HTTPTypes
import Testing

@Suite struct InstanceMetadataTransportTests {
    @Test func connectTimeoutIsShort() {
        #expect(AsyncHTTPClientTransport.instanceMetadataConnectTimeout == .seconds(2))
    }

    /// A port whose accept queue is full never completes the handshake, so the request ends only when a timeout
    /// fires. AsyncHTTPClient's default connect timeout and the request deadline are both 10 s: ending with
    /// `connectTimeout` well before that (bounds far wider than scheduling noise) shows the 2 s connect timeout.
    @Test func unansweredConnectFailsWithAConnectTimeout() async throws {
        try await UnresponsiveLoopbackPort.with { port in
            let url = URL(string: "http://127.0.0.1:\(port)/metadata/identity/oauth2/token?api-version=2018-02-01")!
            let started = ContinuousClock.now
            let error = try await #require(throws: AzureCoreError.self) {
                try await AsyncHTTPClientTransport.instanceMetadata.send(HTTPRequest(method: .get, targetURL: url), body: nil)
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(1500), "the port really left the connect hanging")
            // The connect timer (2 s) and the request deadline (10 s) are scheduled on the same event loop, which
            // fires timers in deadline order even when the loop is late: a connectTimeout cause (not
            // deadlineExceeded) shows the short connect timeout fired. Wall time under a loaded parallel test run
            // is only checked loosely (timers can fire seconds late there, and 30 s late under ThreadSanitizer).
            #expect(elapsed < .seconds(90), "no hang")
            #expect(error.code == .timedOut)
            // The cause is kept as a typed value, not a string.
            #expect(error.underlying as? HTTPClientError == .connectTimeout, "\(error)")
            #expect(error.endpoint == "http://127.0.0.1:\(port)/metadata/identity/oauth2/token")
        }
    }
}

import AzureCore
import Foundation
import HTTPTypes
import IdentityProviders
import KeyVaultTesting
import Synchronization
import Testing

/// A broken or hostile metadata endpoint must not crash the process (`Retry-After: 1e300` used to trap converting to
/// `Int64`) nor park it for years: the wait is cut to ``IMDSRetryPolicy/maximumServerRequestedDelay``, and
/// `Metadata: true` is on every request.
@Suite struct ManagedIdentityHostileResponseTests {
    final class ScriptedIMDS: HTTPTransport {
        let metadataHeaders = Mutex<[String?]>([])
        let answers: Mutex<[(Int, [String: String], String)]>
        init(_ answers: [(Int, [String: String], String)]) { self.answers = Mutex(answers) }

        func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
            metadataHeaders.withLock { $0.append(request.headerFields[HTTPField.Name("Metadata")!]) }
            let (status, headers, text) = answers.withLock { $0.isEmpty ? (500, [:], "{}") : $0.removeFirst() }
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return HTTPTransportResponse(response: HTTPResponse(status: .init(code: status), headerFields: fields), body: Data(text.utf8))
        }
    }

    @Test(arguments: ["1e300", "inf", "99999999999999999999"])
    func hugeRetryAfterIsCut(retryAfter: String) async throws {
        let transport = ScriptedIMDS([
            (429, ["Retry-After": retryAfter], #"{"error":"throttled"}"#),
            (200, [:], #"{"access_token":"imds-token","expires_in":"3600","resource":"https://vault.azure.net"}"#),
        ])
        let clock = ManualClock()
        let credential = try ManagedIdentityCredential(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport,
            options: CredentialOptions(clock: clock)
        )
        let token = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        #expect(token.token == "imds-token")
        #expect(clock.sleeps == [IMDSRetryPolicy.default.maximumServerRequestedDelay])
        #expect(transport.metadataHeaders.withLock { $0 } == ["true", "true"])
    }
}

import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Testing

/// A hostile or broken server's `Retry-After` must never trap the process (a `Double` beyond `Int64` converted
/// with `Int64(_:)` does): it is clamped, and a delay beyond the retry budget ends the retries.
@Suite struct HostileRetryAfterTests {
    static let hugeValues: [(header: String, value: String)] = [
        ("Retry-After", "1e300"), ("Retry-After", "inf"), ("Retry-After", "infinity"),
        ("Retry-After", "99999999999999999999"), ("x-ms-retry-after-ms", "1e30"), ("retry-after-ms", "inf"),
    ]

    @Test(arguments: hugeValues)
    func hugeOrInfiniteDelaysAreClamped(header: String, value: String) throws {
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name(header))] = value
        let delay = try #require(RetryPolicy.serverRequestedDelay(fields, now: Date()))
        #expect(delay == RetryPolicy.maximumServerRequestedDelay)
    }

    @Test func nanIsIgnored() throws {
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name("x-ms-retry-after-ms"))] = "nan"
        #expect(RetryPolicy.serverRequestedDelay(fields, now: Date()) == nil)
    }

    @Test func aHugeRetryAfterEndsRetriesInsteadOfCrashing() async throws {
        let transport = Step.transport([.status(429, ["Retry-After": "1e300"]), .status(200, [:])])
        let clock = ManualClock()
        let retrying = RetryingTransport(wrapping: transport, policy: RetryPolicy(maximumAttempts: 3), clock: clock)
        let response = try await retrying.send(HTTPRequest(method: .get, targetURL: URL(string: "https://127.0.0.1:1/x")!), body: nil)
        #expect(response.statusCode == 429)
        #expect(transport.requestCount == 1)
        #expect(clock.sleeps.isEmpty)
    }
}

import AzureCore
import Foundation
import HTTPTypes
import Testing

@Suite struct RetryPolicyTests {
    @Test func retryAfterSecondsDateAndMilliseconds() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        var fields = HTTPFields()
        fields[.retryAfter] = "7"
        #expect(RetryPolicy.serverRequestedDelay(fields, now: now) == .seconds(7))

        fields[.retryAfter] = "Tue, 14 Nov 2023 22:13:40 GMT"  // now + 20 s
        #expect(RetryPolicy.serverRequestedDelay(fields, now: now) == .seconds(20))

        fields[HTTPField.Name("x-ms-retry-after-ms")!] = "1500"
        #expect(RetryPolicy.serverRequestedDelay(fields, now: now) == .milliseconds(1500), "x-ms-retry-after-ms wins")

        #expect(RetryPolicy.serverRequestedDelay(HTTPFields(), now: now) == nil)
        var garbage = HTTPFields()
        garbage[.retryAfter] = "soon"
        #expect(RetryPolicy.serverRequestedDelay(garbage, now: now) == nil)
    }

    @Test func backoffGrowsExponentiallyWithinJitterAndCap() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maximumDelay: .seconds(5), jitter: 0.2)
        #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 2, random: 0.5) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 4, random: 0.5) == .seconds(5), "capped")
        #expect(policy.backoff(afterAttempt: 2, random: 0) == .milliseconds(1600))
        #expect(policy.backoff(afterAttempt: 2, random: 1) == .milliseconds(2400))
    }

    @Test func retryableStatusesAndErrors() {
        let policy = RetryPolicy.default
        for status in [408, 429, 500, 502, 503, 504] { #expect(policy.shouldRetry(status: status)) }
        for status in [200, 400, 401, 403, 404, 501] { #expect(!policy.shouldRetry(status: status)) }
        #expect(policy.shouldRetry(error: AzureCoreError(code: .connectionFailed, message: "x")))
        #expect(policy.shouldRetry(error: AzureCoreError(code: .timedOut, message: "x")))
        #expect(!policy.shouldRetry(error: AzureCoreError(code: .insecureRequest, message: "x")))
        #expect(!policy.shouldRetry(error: CancellationError()))
    }
}

import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// One scripted answer for AzureCoreTesting's `ScriptedTransport`: a status with headers, or a transport failure.
enum Step: Sendable {
    case status(Int, [String: String])
    case fail(AzureCoreError.Code)

    /// A transport answering the steps in order, then 200.
    static func transport(_ steps: [Step]) -> ScriptedTransport {
        ScriptedTransport { _, _, index in
            switch index < steps.count ? steps[index] : .status(200, [:]) {
            case .status(let code, let headers): return .status(code, headers: headers, body: Data("{}".utf8))
            case .fail(let code): throw AzureCoreError(code: code, message: "scripted")
            }
        }
    }
}

@Suite struct RetryingTransportTests {
    let request = HTTPRequest(method: .get, targetURL: URL(string: "https://vault.example/secrets/a")!)

    @Test func retriesTransientStatusesAndHonoursRetryAfter() async throws {
        let base = Step.transport([.status(503, [:]), .status(429, ["Retry-After": "3"]), .status(200, [:])])
        let clock = ManualClock()
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 5, baseDelay: .seconds(1), jitter: 0), clock: clock)
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 200)
        #expect(base.requestCount == 3)
        #expect(clock.sleeps == [.seconds(1), .seconds(3)])
    }

    @Test func returnsLastResponseWhenAttemptsRunOut() async throws {
        let base = Step.transport(Array(repeating: .status(500, [:]), count: 10))
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1)), clock: ManualClock())
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 500)
        #expect(base.requestCount == 3)
    }

    @Test func stopsWhenTheTimeBudgetIsSpent() async throws {
        let base = Step.transport(Array(repeating: .status(503, ["Retry-After": "50"]), count: 10))
        let clock = ManualClock()
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 10, maximumTotalTime: .seconds(120)), clock: clock)
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 503)
        #expect(base.requestCount == 3, "two 50 s waits fit in 120 s, a third does not")
    }

    @Test func connectionFailuresAreRetriedThenReported() async throws {
        let base = Step.transport([.fail(.connectionFailed), .fail(.timedOut), .fail(.connectionFailed)])
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1)), clock: ManualClock())
        let error = try await #require(throws: AzureCoreError.self) { try await transport.send(request, body: nil) }
        #expect(error.code == .retriesExhausted)
        #expect(base.requestCount == 3)
    }

    @Test func nonRetryableStatusIsReturnedAtOnce() async throws {
        let base = Step.transport([.status(404, [:])])
        let transport = RetryingTransport(wrapping: base, clock: ManualClock())
        #expect(try await transport.send(request, body: nil).statusCode == 404)
        #expect(base.requestCount == 1)
    }

    @Test func cancellationStopsRetrying() async throws {
        let base = Step.transport(Array(repeating: .status(503, [:]), count: 100))
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 100, baseDelay: .seconds(5), maximumTotalTime: .seconds(3600)))
        let task = Task { try await transport.send(request, body: nil) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(base.requestCount == 1, "cancelled while waiting 5 s, no second attempt")
    }
}

import AzureCore
import Foundation
import HTTPTypes
import KeyVaultTesting
import Synchronization
import Testing

/// A transport answering from a script, counting calls.
struct ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case status(Int, [String: String])
        case fail(AzureCoreError.Code)
    }

    final class State: Sendable {
        let steps: Mutex<[Step]>
        let calls = Mutex(0)
        init(_ steps: [Step]) { self.steps = Mutex(steps) }
    }

    let state: State
    init(_ steps: [Step]) { state = State(steps) }

    var calls: Int { state.calls.withLock { $0 } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        state.calls.withLock { $0 += 1 }
        let step = state.steps.withLock { $0.isEmpty ? Step.status(200, [:]) : $0.removeFirst() }
        switch step {
        case .status(let code, let headers):
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return HTTPTransportResponse(response: HTTPResponse(status: .init(code: code), headerFields: fields), body: Data("{}".utf8))
        case .fail(let code):
            throw AzureCoreError(code: code, message: "scripted")
        }
    }
}

@Suite struct RetryingTransportTests {
    let request = HTTPRequest(method: .get, targetURL: URL(string: "https://vault.example/secrets/a")!)

    @Test func retriesTransientStatusesAndHonoursRetryAfter() async throws {
        let base = ScriptedTransport([.status(503, [:]), .status(429, ["Retry-After": "3"]), .status(200, [:])])
        let clock = ManualClock()
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 5, baseDelay: .seconds(1), jitter: 0), clock: clock)
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 200)
        #expect(base.calls == 3)
        #expect(clock.sleeps == [.seconds(1), .seconds(3)])
    }

    @Test func returnsLastResponseWhenAttemptsRunOut() async throws {
        let base = ScriptedTransport(Array(repeating: .status(500, [:]), count: 10))
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1)), clock: ManualClock())
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 500)
        #expect(base.calls == 3)
    }

    @Test func stopsWhenTheTimeBudgetIsSpent() async throws {
        let base = ScriptedTransport(Array(repeating: .status(503, ["Retry-After": "50"]), count: 10))
        let clock = ManualClock()
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 10, maximumTotalTime: .seconds(120)), clock: clock)
        let response = try await transport.send(request, body: nil)
        #expect(response.statusCode == 503)
        #expect(base.calls == 3, "two 50 s waits fit in 120 s, a third does not")
    }

    @Test func connectionFailuresAreRetriedThenReported() async throws {
        let base = ScriptedTransport([.fail(.connectionFailed), .fail(.timedOut), .fail(.connectionFailed)])
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1)), clock: ManualClock())
        let error = try await #require(throws: AzureCoreError.self) { try await transport.send(request, body: nil) }
        #expect(error.code == .retriesExhausted)
        #expect(base.calls == 3)
    }

    @Test func nonRetryableStatusIsReturnedAtOnce() async throws {
        let base = ScriptedTransport([.status(404, [:])])
        let transport = RetryingTransport(wrapping: base, clock: ManualClock())
        #expect(try await transport.send(request, body: nil).statusCode == 404)
        #expect(base.calls == 1)
    }

    @Test func cancellationStopsRetrying() async throws {
        let base = ScriptedTransport(Array(repeating: .status(503, [:]), count: 100))
        let transport = RetryingTransport(wrapping: base, policy: RetryPolicy(maximumAttempts: 100, baseDelay: .seconds(5), maximumTotalTime: .seconds(3600)))
        let task = Task { try await transport.send(request, body: nil) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: AzureCoreError.self) { try result.get() }
        #expect(base.calls == 1, "cancelled while waiting 5 s, no second attempt")
    }
}

import AzureCore
import AzureCoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Waits that once had no bound: a body trickled at one byte a second ran for over 400 s (AsyncHTTPClient's
/// deadline covers the head only), and a `Retry-After: 100` was waited out in full whatever the caller's deadline.
@Suite struct TransportDeadlineTests {
    static func withServer(
        _ fault: FaultInjector.Fault, _ body: (URL, FaultInjector) async throws -> Void
    ) async throws {
        let faults = FaultInjector()
        await faults.setPersistentFault(fault)
        let router = Router()
        router.add(middleware: faults.middleware())
        router.get("value") { _, _ -> String in #"{"value":"a long enough body to be cut in the middle"}"# }
        let server = try await SharedTransportRedirectTests.PlainServer.start(router)
        defer { Task { await server.stop() } }
        try await body(URL(string: "http://127.0.0.1:\(server.port)/value")!, faults)
        await server.stop()
    }

    static func get(_ url: URL) -> HTTPRequest {
        HTTPRequest(method: .get, scheme: url.scheme, authority: "\(url.host!):\(url.port!)", path: url.path)
    }

    @Test func aTrickledBodyEndsAtTheRequestTimeout() async throws {
        try await Self.withServer(.trickle(byteInterval: .seconds(2))) { url, _ in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(requestTimeout: .seconds(2))) { transport in
                let started = ContinuousClock.now
                do {
                    _ = try await transport.send(Self.get(url), body: nil)
                    Issue.record("a body trickling for 3 minutes must not arrive within a 2 s request timeout")
                } catch let error as AzureCoreError {
                    #expect(error.code == .timedOut, "\(error)")
                }
                let elapsed = ContinuousClock.now - started
                // The whole body would take 3 minutes; the bound is loose because the full suite loads the machine.
                #expect(elapsed < .seconds(60), "ended at the 2 s timeout, not after the body: \(elapsed)")
            }
        }
    }

    @Test func aTrickledBodyEndsAtTheOperationDeadline() async throws {
        try await Self.withServer(.trickle(byteInterval: .seconds(2))) { url, _ in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(requestTimeout: .seconds(600))) { transport in
                let started = ContinuousClock.now
                await #expect(throws: AzureCoreError.self) {
                    try await OperationDeadline.$current.withValue(.now + .seconds(1)) {
                        _ = try await transport.send(Self.get(url), body: nil)
                    }
                }
                #expect(ContinuousClock.now - started < .seconds(60), "the operation's 1 s deadline came before the body (3 min) and the 600 s request timeout")
            }
        }
    }

    @Test func aResetMidBodyIsAConnectionFailure() async throws {
        try await Self.withServer(.resetMidBody) { url, _ in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(requestTimeout: .seconds(10))) { transport in
                do {
                    let response = try await transport.send(Self.get(url), body: nil)
                    Issue.record("half a body must not be returned as a response: \(response.body.count) bytes")
                } catch let error as AzureCoreError {
                    #expect(error.code == .connectionFailed, "\(error)")
                }
            }
        }
    }

    @Test func aRetryAfterBeyondTheDeadlineIsNotWaitedFor() async throws {
        try await Self.withServer(.throttled(retryAfterSeconds: 100)) { url, faults in
            try await AsyncHTTPClientTransport.withTransport(configuration: .init(requestTimeout: .seconds(10))) { transport in
                let retrying = RetryingTransport(wrapping: transport, policy: RetryPolicy(maximumAttempts: 5, maximumTotalTime: .seconds(600)))
                let started = ContinuousClock.now
                let response = try await OperationDeadline.$current.withValue(.now + .seconds(20)) {
                    try await retrying.send(Self.get(url), body: nil)
                }
                #expect(response.statusCode == 429, "the server's answer is returned at once")
                #expect(ContinuousClock.now - started < .seconds(60), "not the 100 s Retry-After")
                #expect(await faults.requestCount() == 1, "no retry: its wait would pass the deadline")
            }
        }
    }

    @Test func withDeadlineCancelsSlowWorkAndKeepsTheEarlierDeadline() async throws {
        struct Late: Error {}
        let started = ContinuousClock.now
        await #expect(throws: Late.self) {
            try await OperationDeadline.withDeadline(.now + .milliseconds(200), timeoutError: { Late() }) {
                try await Task.sleep(for: .seconds(600))
            }
        }
        #expect(ContinuousClock.now - started < .seconds(120), "cancelled at the deadline, not after the 600 s sleep")
        let outer = ContinuousClock.now + .seconds(1)
        try await OperationDeadline.$current.withValue(outer) {
            try await OperationDeadline.withDeadline(.now + .seconds(60), timeoutError: { Late() }) {
                #expect(OperationDeadline.current == outer, "a later inner deadline does not extend the outer one")
            }
        }
        #expect(OperationDeadline.current == nil)
    }
}

import Foundation
import HTTPTypes
import Logging

/// An ``HTTPTransport`` that retries another transport according to a ``RetryPolicy``.
///
/// The request body is resent as-is on each attempt. Waiting uses the injected ``AzureClock`` (so tests do not
/// wait); task cancellation stops the loop at once. A wait that would end after the current
/// ``OperationDeadline`` is not started. When attempts, the time budget or the deadline run out, the last retryable
/// response is returned as is (so the caller can read its error body), or the last transport error is thrown as
/// ``AzureCoreError`` `retriesExhausted`.
public struct RetryingTransport: HTTPTransport {
    private let base: any HTTPTransport
    /// The policy in use.
    public let policy: RetryPolicy
    private let clock: any AzureClock
    private let logger: Logger
    private let onRetry: (@Sendable (RetryReason) -> Void)?

    /// Why a request is sent again.
    public enum RetryReason: String, Sendable, Hashable {
        /// A 429 answer.
        case throttled
        /// A 408 or 5xx answer.
        case serverError = "server_error"
        /// A connection or transport failure.
        case transport
    }

    /// Wraps a transport.
    /// - Parameters:
    ///   - base: The transport to retry.
    ///   - policy: The retry policy.
    ///   - clock: The clock used for waits and the time budget.
    ///   - logger: Logs each retry at debug level (endpoint and status only).
    ///   - onRetry: Called before each retry with its reason (for metrics).
    public init(
        wrapping base: any HTTPTransport,
        policy: RetryPolicy = .default,
        clock: any AzureClock = SystemClock(),
        logger: Logger = Logger(label: "AzureCore.RetryingTransport", factory: { _ in SwiftLogNoOpLogHandler() }),
        onRetry: (@Sendable (RetryReason) -> Void)? = nil
    ) {
        self.onRetry = onRetry
        self.base = base
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// Sends the request, retrying per the policy.
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The body, resent on each attempt.
    /// - Returns: The first non-retryable response, or the last retryable one when the budget is spent.
    /// - Throws: `CancellationError` when the task is cancelled; ``AzureCoreError`` `retriesExhausted` (with the
    ///   last attempt's error as ``AzureCoreError/underlying``), or a non-retryable transport error.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        let start = clock.now()
        let endpoint = Redaction.endpoint(request)
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let delay: Duration
            do {
                let response = try await base.send(request, body: body)
                guard policy.shouldRetry(status: response.statusCode) else { return response }
                let requested = RetryPolicy.serverRequestedDelay(response.response.headerFields, now: clock.now())
                delay = requested ?? policy.backoff(afterAttempt: attempt)
                guard canRetry(attempt: attempt, delay: delay, start: start) else {
                    logger.debug("retries exhausted", metadata: ["endpoint": "\(endpoint)", "status": "\(response.statusCode)", "attempts": "\(attempt)"])
                    return response
                }
                onRetry?(response.statusCode == 429 ? .throttled : .serverError)
                logger.debug(
                    "retrying after status",
                    metadata: ["endpoint": "\(endpoint)", "status": "\(response.statusCode)", "attempt": "\(attempt)", "delayMs": "\(Int(delay.azureSeconds * 1000))"]
                )
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                guard policy.shouldRetry(error: error) else { throw error }
                delay = policy.backoff(afterAttempt: attempt)
                guard canRetry(attempt: attempt, delay: delay, start: start) else {
                    throw AzureCoreError(
                        code: .retriesExhausted,
                        message: "gave up after \(attempt) attempt(s)",
                        endpoint: endpoint,
                        underlying: error
                    )
                }
                onRetry?(.transport)
                logger.debug("retrying after transport error", metadata: ["endpoint": "\(endpoint)", "attempt": "\(attempt)", "error": "\((error as? AzureCoreError)?.code.description ?? "transport")"])
            }
            do {
                try await clock.sleep(for: delay)
            } catch {
                throw CancellationError()
            }
        }
    }

    private func canRetry(attempt: Int, delay: Duration, start: Date) -> Bool {
        guard attempt < policy.maximumAttempts else { return false }
        // A wait that would end after the operation's deadline is not started: the caller gets the last answer
        // now rather than being cancelled at the deadline with nothing to show.
        if OperationDeadline.wouldPass(after: delay) { return false }
        let elapsed = clock.now().timeIntervalSince(start)
        return elapsed + delay.azureSeconds <= policy.maximumTotalTime.azureSeconds
    }
}

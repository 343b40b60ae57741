import Foundation
import HTTPTypes

/// When and how long to wait before retrying an HTTP request.
///
/// Retries `408`, `429`, `500`, `502`, `503`, `504` (configurable) and connection failures and timeouts. The wait
/// is the server's `x-ms-retry-after-ms`, `retry-after-ms` or `Retry-After` (seconds or HTTP date) when present,
/// otherwise exponential backoff `baseDelay * 2^(attempt-1)` capped at ``maximumDelay`` with ±``jitter`` random
/// spread. The whole operation stops after ``maximumAttempts`` or when the next wait would pass ``maximumTotalTime``.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first (1 = no retry).
    public var maximumAttempts: Int
    /// First backoff delay.
    public var baseDelay: Duration
    /// Largest backoff delay (server-requested delays are capped by ``maximumTotalTime`` only).
    public var maximumDelay: Duration
    /// Budget for the whole operation, waits included.
    public var maximumTotalTime: Duration
    /// Relative random spread of computed backoff delays, 0...1 (0.2 = ±20 %).
    public var jitter: Double
    /// Statuses that are retried.
    public var retryableStatuses: Set<Int>
    /// Whether connection failures and timeouts are retried.
    public var retriesConnectionFailures: Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - maximumAttempts: Attempts including the first (default 4).
    ///   - baseDelay: First backoff (default 0.8 s).
    ///   - maximumDelay: Backoff cap (default 60 s).
    ///   - maximumTotalTime: Overall budget (default 120 s).
    ///   - jitter: Random spread (default 0.2).
    ///   - retryableStatuses: Retried statuses (default 408, 429, 500, 502, 503, 504).
    ///   - retriesConnectionFailures: Retry connection errors and timeouts (default `true`).
    public init(
        maximumAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(800),
        maximumDelay: Duration = .seconds(60),
        maximumTotalTime: Duration = .seconds(120),
        jitter: Double = 0.2,
        retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        retriesConnectionFailures: Bool = true
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumTotalTime = maximumTotalTime
        self.jitter = min(max(jitter, 0), 1)
        self.retryableStatuses = retryableStatuses
        self.retriesConnectionFailures = retriesConnectionFailures
    }

    /// The default policy.
    public static let `default` = RetryPolicy()

    /// A policy that never retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// Whether a response status should be retried.
    /// - Parameter status: The status code.
    /// - Returns: `true` when it is in ``retryableStatuses``.
    public func shouldRetry(status: Int) -> Bool { retryableStatuses.contains(status) }

    /// Whether a thrown transport error should be retried.
    /// - Parameter error: The error.
    /// - Returns: `true` for connection failures and timeouts when enabled; never for cancellation.
    public func shouldRetry(error: any Error) -> Bool {
        guard retriesConnectionFailures else { return false }
        if error is CancellationError { return false }
        if let error = error as? AzureCoreError {
            return error.code == .connectionFailed || error.code == .timedOut
        }
        return false
    }

    /// The computed backoff before a retry, with jitter.
    /// - Parameters:
    ///   - attempt: The attempt that just failed (1-based).
    ///   - random: A random value in 0...1 (injectable for tests).
    /// - Returns: The delay.
    public func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let raw = min(baseDelay.azureSeconds * pow(2, exponent), maximumDelay.azureSeconds)
        let spread = raw * jitter * (random * 2 - 1)
        return .milliseconds(Int64(max(0, raw + spread) * 1000))
    }

    /// The delay a server asked for, from `x-ms-retry-after-ms`, `retry-after-ms` or `Retry-After` (delta seconds
    /// or HTTP date).
    /// - Parameters:
    ///   - headers: Response headers.
    ///   - now: The current time, to turn an HTTP date into a delay.
    /// - Returns: The requested delay, or `nil`.
    public static func serverRequestedDelay(_ headers: HTTPFields, now: Date) -> Duration? {
        for name in ["x-ms-retry-after-ms", "retry-after-ms"] {
            if let field = HTTPField.Name(name), let value = headers[field],
                let ms = Double(value.trimmingCharacters(in: .whitespaces)), ms >= 0
            {
                return clampedMilliseconds(ms)
            }
        }
        guard let value = headers[.retryAfter]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 {
            return clampedMilliseconds(seconds * 1000)
        }
        if let date = HTTPDate.parse(value, now: now) {
            return clampedMilliseconds(max(0, date.timeIntervalSince(now)) * 1000)
        }
        return nil
    }

    /// The longest server-requested delay represented (about 31 years): a larger or infinite value from a hostile
    /// or broken server is clamped to it (it exceeds every retry budget, so the request is not retried) instead
    /// of trapping on the conversion to `Int64`.
    public static let maximumServerRequestedDelay: Duration = .milliseconds(1_000_000_000_000)

    /// A non-negative millisecond count as a `Duration`, clamped to ``maximumServerRequestedDelay``; `nil` for NaN.
    static func clampedMilliseconds(_ milliseconds: Double) -> Duration? {
        guard !milliseconds.isNaN else { return nil }
        let cap = 1_000_000_000_000.0
        return .milliseconds(Int64(min(max(milliseconds, 0), cap)))
    }

    /// Parses an HTTP date (IMF-fixdate, RFC 850 or asctime, in GMT, as RFC 9110 lists them).
    ///
    /// A two-digit RFC 850 year more than 50 years ahead of now is read as the most recent past year with the same
    /// last two digits. The parse is bounded by the value's length and uses no `DateFormatter`.
    /// - Parameter value: The header value.
    /// - Returns: The date, or `nil` when the value is not an HTTP date or names a date that does not exist.
    public static func parseHTTPDate(_ value: String) -> Date? {
        HTTPDate.parse(value)
    }
}

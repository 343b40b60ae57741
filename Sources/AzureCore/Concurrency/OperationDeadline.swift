/// The deadline of the operation the current task works for: a mount, a token fetch, any call that has one
/// overall time limit.
///
/// Layers that wait honour it without being told: ``RetryingTransport`` does not start a wait that would end after
/// the deadline (a `Retry-After` longer than the time left fails the request at once, with the server's answer),
/// and ``AsyncHTTPClientTransport`` ends a request, including a body that trickles in, at the deadline.
/// ``withDeadline(_:timeoutError:operation:)`` sets it and also cancels work that does not finish in time.
///
/// ```swift
/// let secrets = try await OperationDeadline.withDeadline(
///     .now + .seconds(120), timeoutError: { MyError.tookTooLong }
/// ) {
///     try await client.secret(named: "db-password")
/// }
/// ```
public enum OperationDeadline {
    /// The current task's deadline, or `nil` when it has none.
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// The time left before the current deadline (`nil` without one; zero once it has passed).
    public static var remaining: Duration? {
        guard let current else { return nil }
        return max(.zero, current - .now)
    }

    /// Whether a wait of `duration` starting now would end after the current deadline.
    /// - Parameter duration: The wait.
    /// - Returns: `false` when there is no deadline.
    public static func wouldPass(after duration: Duration) -> Bool {
        guard let current else { return false }
        return ContinuousClock.now + duration > current
    }

    /// Runs `operation` with a deadline: sets ``current`` (keeping an earlier one already set) and cancels the
    /// operation when the deadline passes, then throws `timeoutError()`.
    ///
    /// The operation's own errors are rethrown as they are, and cancellation of the calling task cancels it.
    /// - Parameters:
    ///   - deadline: When the operation must be done.
    ///   - timeoutError: The error thrown when the deadline passes first.
    ///   - operation: The work.
    /// - Returns: The operation's result.
    /// - Throws: The operation's error, `timeoutError()`, or `CancellationError`.
    public static func withDeadline<Result: Sendable>(
        _ deadline: ContinuousClock.Instant,
        timeoutError: @escaping @Sendable () -> any Error,
        operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let effective = current.map { min($0, deadline) } ?? deadline
        return try await $current.withValue(effective) {
            try await withThrowingTaskGroup(of: Outcome<Result>.self) { group in
                group.addTask { .finished(try await operation()) }
                group.addTask {
                    try await Task.sleep(until: effective, clock: .continuous)
                    return .timedOut
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                switch first {
                case .finished(let result): return result
                case .timedOut: throw timeoutError()
                }
            }
        }
    }

    private enum Outcome<Result: Sendable>: Sendable {
        case finished(Result)
        case timedOut
    }
}

import Foundation

/// The wall clock and sleep used by retry policies and token caches, injectable so tests control time.
///
/// Why not Swift's `Clock`: the times this suite reasons about are wall-clock dates — a token's `expires_on` and
/// `refresh_in` from Entra ID and IMDS, a federated token file's age, an HTTP-date `Retry-After`. The standard
/// library's clocks (`ContinuousClock`, `SuspendingClock`) have monotonic instants that cannot be compared with a
/// `Date`, so a test clock must move both the wall time and the sleeps together, which this protocol expresses.
/// Code that only waits (the rotation loop, the throttling limiter) takes a standard `Clock` instead.
public protocol AzureClock: Sendable {
    /// The current time.
    /// - Returns: Now.
    func now() -> Date
    /// Sleeps for a duration, honouring task cancellation.
    /// - Parameter duration: How long.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Date()` and `Task.sleep`.
public struct SystemClock: AzureClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    /// - Returns: Now.
    public func now() -> Date { Date() }

    /// `Task.sleep(for:)`.
    /// - Parameter duration: How long.
    /// - Throws: `CancellationError` when cancelled.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// The duration in seconds as a `Double` (package-internal: no public extension on standard-library types).
    package var azureSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

import Foundation

/// The wall clock and sleep used by retry policies and token caches, injectable so tests control time.
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
    /// The duration in seconds as a `Double`.
    public var azureSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

import AzureCore
import Foundation
import Synchronization

/// A test clock: time moves only when a test advances it or when code sleeps on it.
///
/// `sleep(for:)` returns at once after moving the clock forward by the requested duration and recording it, so
/// retry and refresh code runs without waiting in real time and tests can assert the delays requested.
public struct ManualClock: AzureClock {
    private final class State: Sendable {
        let value: Mutex<(now: Date, sleeps: [Duration])>
        init(_ start: Date) { value = Mutex((start, [])) }
    }

    private let state: State

    /// Creates a clock.
    /// - Parameter start: The initial time (default now).
    public init(start: Date = Date()) {
        self.state = State(start)
    }

    /// The current test time.
    /// - Returns: The time.
    public func now() -> Date { state.value.withLock { $0.now } }

    /// Moves time forward.
    /// - Parameter duration: How far.
    public func advance(by duration: Duration) {
        state.value.withLock { $0.now = $0.now.addingTimeInterval(duration.azureSeconds) }
    }

    /// Every duration passed to ``sleep(for:)`` so far.
    public var sleeps: [Duration] { state.value.withLock { $0.sleeps } }

    /// Records the sleep, moves time forward and returns immediately (after a yield).
    /// - Parameter duration: The requested sleep.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.value.withLock {
            $0.sleeps.append(duration)
            $0.now = $0.now.addingTimeInterval(duration.azureSeconds)
        }
        await Task.yield()
        try Task.checkCancellation()
    }
}

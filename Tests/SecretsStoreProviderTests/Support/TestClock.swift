import Synchronization

/// A `Clock` whose time moves only when a test says so.
///
/// A `sleep` on it suspends until ``advance(by:)`` moves the clock to its deadline (or the sleeping task is
/// cancelled). ``nextSleep()`` lets the test wait until the code under test has started a sleep and learn how long
/// it asked for, so a test drives a loop one wait at a time: observe, change the world, advance.
final class TestClock: Clock, Sendable {
    /// A point in the clock's time: the time elapsed since the clock was created.
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Sleeper] = []
        /// Durations of sleeps started but not yet returned by `nextSleep()`, oldest first.
        var unobserved: [Duration] = []
        /// Tasks waiting in `nextSleep()` for a sleep to start, oldest first.
        var observers: [(id: Int, continuation: CheckedContinuation<Duration, any Error>)] = []
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    /// Suspends until the clock reaches `deadline` (returns at once when it already has); either way the sleep is
    /// reported to ``nextSleep()``.
    /// - Throws: `CancellationError` when the task is cancelled before the deadline is reached.
    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                typealias Registration = (immediately: Result<Void, any Error>?, requested: Duration, observer: CheckedContinuation<Duration, any Error>?)
                let (immediately, requested, observer) = state.withLock { (state: inout State) -> Registration in
                    if Task.isCancelled { return (.failure(CancellationError()), .zero, nil) }
                    let requested = max(.zero, state.now.duration(to: deadline))
                    var immediately: Result<Void, any Error>? = .success(())
                    if state.now < deadline {
                        state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                        immediately = nil
                    }
                    if state.observers.isEmpty {
                        state.unobserved.append(requested)
                        return (immediately, requested, nil)
                    }
                    return (immediately, requested, state.observers.removeFirst().continuation)
                }
                observer?.resume(returning: requested)
                if let immediately { continuation.resume(with: immediately) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                state.sleepers.firstIndex { $0.id == id }.map { state.sleepers.remove(at: $0) }
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until the code under test starts a sleep that has not been reported yet (or returns at once when one
    /// has started already), oldest first.
    /// - Returns: The duration that sleep asked for, measured from the clock's time when it started.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    func nextSleep() async throws -> Duration {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Duration, any Error>) in
                let ready = state.withLock { (state: inout State) -> Result<Duration, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !state.unobserved.isEmpty { return .success(state.unobserved.removeFirst()) }
                    state.observers.append((id, continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let observer = state.withLock { state in
                state.observers.firstIndex { $0.id == id }.map { state.observers.remove(at: $0) }
            }
            observer?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every sleep whose deadline is reached.
    /// - Parameter duration: How far.
    func advance(by duration: Duration) {
        let woken = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let woken = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return woken
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}

import Synchronization

/// The provider's shutdown state, shared by the server and every `Mount` call.
///
/// While the server is serving, the gate is open. When a graceful shutdown begins it closes: new mounts are refused
/// with `unavailable` (the driver retries those), in-flight mounts may finish within the grace period, and when the
/// grace period has passed, ``waitForForcedStop()`` returns in every mount still running, which then ends with
/// `unavailable` instead of being cut off without an answer.
public final class ShutdownGate: Sendable {
    private struct State {
        var draining = false
        var forced = false
        var inFlight = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Creates an open gate.
    public init() {}

    /// Whether a graceful shutdown has begun.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Whether the grace period has passed.
    public var isForced: Bool { state.withLock { $0.forced } }

    /// The mounts being served now.
    public var mountsInFlight: Int { state.withLock { $0.inFlight } }

    /// Counts a mount in; returns false (and counts nothing) when draining.
    func enterMount() -> Bool {
        state.withLock { state in
            guard !state.draining else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Counts a mount out.
    func leaveMount() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// Closes the gate: new mounts are refused from now on.
    public func beginDraining() {
        state.withLock { $0.draining = true }
    }

    /// Ends the grace period: every ``waitForForcedStop()`` returns.
    public func forceStop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.draining = true
            state.forced = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the grace period has passed, or when the calling task is cancelled.
    public func waitForForcedStop() async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.forced || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

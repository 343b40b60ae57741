/// When rotation runs: every ``interval`` while mounts succeed; after a failure, a growing delay (doubling from
/// ``interval`` up to ``maximumBackoff``), back to the interval after the next success.
public struct RotationPolicy: Sendable, Hashable {
    /// The time between two successful rounds (the driver's default poll interval is 2 minutes).
    public var interval: Duration
    /// The longest delay after repeated failures.
    public var maximumBackoff: Duration
    /// How many rounds to run; nil means until the task is cancelled.
    public var rounds: Int?

    /// Creates a policy.
    /// - Parameters:
    ///   - interval: Time between rounds.
    ///   - maximumBackoff: Longest delay after failures (at least `interval`).
    ///   - rounds: Number of rounds, or nil for no limit.
    public init(interval: Duration, maximumBackoff: Duration? = nil, rounds: Int? = nil) {
        self.interval = interval
        self.maximumBackoff = max(maximumBackoff ?? interval * 8, interval)
        self.rounds = rounds
    }

    /// The delay before the next round after `consecutiveFailures` failures in a row (0 after a success).
    public func delay(afterConsecutiveFailures consecutiveFailures: Int) -> Duration {
        guard consecutiveFailures > 0 else { return interval }
        var delay = interval
        for _ in 0..<min(consecutiveFailures, 30) {
            delay = delay * 2
            if delay >= maximumBackoff { return maximumBackoff }
        }
        return delay
    }
}

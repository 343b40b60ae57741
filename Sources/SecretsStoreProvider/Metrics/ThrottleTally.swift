import Synchronization

/// Counts the 429 answers Key Vault gives during one mount (a task-local tally that the mount's requests add to), so
/// that a mount that fails for throttling can say how often it was throttled.
final class ThrottleTally: Sendable {
    @TaskLocal static var current: ThrottleTally?

    private let count = Atomic<Int>(0)

    /// Adds one throttled answer.
    func add() { count.add(1, ordering: .relaxed) }

    /// The answers counted.
    var value: Int { count.load(ordering: .relaxed) }
}

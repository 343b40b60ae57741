/// How many requests to one service may be in flight, adapted to what the service allows (AIMD).
///
/// The limit starts at ``ceiling``. Each success while latency holds (within twice the lowest latency seen) adds
/// `1 / limit` (so one per round of requests), up to the ceiling. A throttled answer (429) halves the limit at
/// once (never below ``floor``, so one request always makes progress) and holds every new request until the
/// service's `Retry-After` has passed. The requests already in flight when the limit was halved were sent at the old
/// rate, so their 429s do not halve it again (one decrease per round, as TCP does per window). Waiting for a permit
/// is cancellable.
///
/// One limiter is meant to be shared by every caller of the same service (for example every mount of a process that
/// reads the same vault), so the service sees the process's load, not each caller's.
public actor AdaptiveConcurrencyLimiter {
    /// How a request ended, for the limiter.
    public enum Outcome: Sendable, Hashable {
        /// Answered (any status but 429) in the given time.
        case success(latency: Duration)
        /// Throttled (429); `retryAfter` is the service's requested pause, when it gave one.
        case throttled(retryAfter: Duration?)
        /// Failed without an answer (connection, time-out); the limit is kept.
        case failed
    }

    /// The most requests in flight.
    public let ceiling: Int
    /// The fewest requests in flight the limit may fall to.
    public let floor: Int
    private var limit: Double
    private var inFlight = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiter = 0
    private var pausedUntil: ContinuousClock.Instant?
    private var lowestLatency: Duration?
    private var wakeUp: Task<Void, Never>?
    private var lastDecrease: ContinuousClock.Instant?
    /// Throttled answers seen.
    public private(set) var throttledCount = 0

    /// Creates a limiter.
    /// - Parameters:
    ///   - ceiling: The most requests in flight (at least 1).
    ///   - floor: The fewest the limit falls to (at least 1, at most `ceiling`).
    public init(ceiling: Int, floor: Int = 1) {
        self.ceiling = max(1, ceiling)
        self.floor = min(max(1, floor), max(1, ceiling))
        self.limit = Double(max(1, ceiling))
    }

    /// The current limit (whole requests).
    public var currentLimit: Int { max(floor, Int(limit)) }

    /// Requests holding a permit now.
    public var requestsInFlight: Int { inFlight }

    /// Waits for a permit.
    /// - Throws: `CancellationError` when the calling task is cancelled while waiting.
    public func acquire() async throws {
        try Task.checkCancellation()
        if canStart() {
            inFlight += 1
            return
        }
        nextWaiter += 1
        let id = nextWaiter
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append((id, continuation))
                scheduleWakeUp()
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Returns a permit and reports how the request ended.
    /// - Parameters:
    ///   - outcome: The outcome.
    ///   - startedAt: When the request was sent, if known: a 429 of a request sent before the last decrease does not
    ///     decrease the limit again. Without it, every 429 halves the limit.
    public func release(_ outcome: Outcome, startedAt: ContinuousClock.Instant? = nil) {
        inFlight = max(0, inFlight - 1)
        switch outcome {
        case .success(let latency):
            if lowestLatency.map({ latency < $0 }) ?? true { lowestLatency = latency }
            if let lowest = lowestLatency, latency <= lowest * 2 + .milliseconds(5) {
                limit = min(Double(ceiling), limit + 1 / max(1, limit))
            }
        case .throttled(let retryAfter):
            throttledCount += 1
            if let startedAt, let lastDecrease, startedAt < lastDecrease {
                // Sent at the old rate; the limit was already halved for it.
            } else {
                limit = max(Double(floor), limit / 2)
                lastDecrease = .now
            }
            if let retryAfter, retryAfter > .zero {
                let until = ContinuousClock.now + retryAfter
                if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
            }
        case .failed:
            break
        }
        resumeWaiters()
    }

    private func canStart() -> Bool {
        if let pausedUntil, ContinuousClock.now < pausedUntil { return false }
        return inFlight < currentLimit
    }

    private func resumeWaiters() {
        while !waiters.isEmpty, canStart() {
            let waiter = waiters.removeFirst()
            inFlight += 1
            waiter.continuation.resume()
        }
        scheduleWakeUp()
    }

    /// While paused with waiters, one task sleeps until the pause ends and lets them go.
    private func scheduleWakeUp() {
        guard wakeUp == nil, !waiters.isEmpty, let pausedUntil, ContinuousClock.now < pausedUntil else { return }
        wakeUp = Task { [weak self] in
            try? await Task.sleep(until: pausedUntil, clock: .continuous)
            await self?.wokeUp()
        }
    }

    private func wokeUp() {
        wakeUp = nil
        resumeWaiters()
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

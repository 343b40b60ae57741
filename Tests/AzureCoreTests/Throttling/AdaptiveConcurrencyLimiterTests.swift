import AzureCore
import Synchronization
import Testing

/// AIMD: the ceiling holds, a 429 halves the limit and pauses everyone until Retry-After, success grows it back,
/// one request always makes progress, and a waiter can be cancelled.
@Suite struct AdaptiveConcurrencyLimiterTests {
    final class Gauge: Sendable {
        let state = Mutex((now: 0, peak: 0))
        func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }

    @Test func neverMoreThanTheCeilingInFlight() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 4)
        let peak = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.acquire()
                    peak.enter()
                    try await Task.sleep(for: .milliseconds(20))
                    peak.leave()
                    await limiter.release(.success(latency: .milliseconds(20)))
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.peak == 4)
        #expect(await limiter.requestsInFlight == 0)
    }

    @Test func throttlingHalvesAndPausesThenSuccessGrowsBack() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 8)
        try await limiter.acquire()
        await limiter.release(.throttled(retryAfter: .milliseconds(400)))
        #expect(await limiter.currentLimit == 4)
        #expect(await limiter.throttledCount == 1)
        let started = ContinuousClock.now
        try await limiter.acquire()
        #expect(ContinuousClock.now - started >= .milliseconds(350), "nothing is sent before Retry-After has passed")
        await limiter.release(.success(latency: .milliseconds(10)))
        for _ in 0..<40 {
            try await limiter.acquire()
            await limiter.release(.success(latency: .milliseconds(10)))
        }
        #expect(await limiter.currentLimit == 8, "grown back to the ceiling")
    }

    @Test func slowAnswersDoNotGrowTheLimit() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 8)
        try await limiter.acquire()
        await limiter.release(.throttled(retryAfter: nil))
        try await limiter.acquire()
        await limiter.release(.success(latency: .milliseconds(10)))
        for _ in 0..<40 {
            try await limiter.acquire()
            await limiter.release(.success(latency: .milliseconds(200)))
        }
        #expect(await limiter.currentLimit == 4, "latency did not hold, so the limit stayed")
    }

    @Test func theFloorAlwaysMakesProgress() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 16)
        for _ in 0..<10 {
            try await limiter.acquire()
            await limiter.release(.throttled(retryAfter: nil))
        }
        #expect(await limiter.currentLimit == 1)
        try await limiter.acquire()
        #expect(await limiter.requestsInFlight == 1)
        await limiter.release(.success(latency: .milliseconds(1)))
    }

    @Test func aBurstOf429sFromOneRoundHalvesOnce() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 16)
        // 16 requests sent together; the budget runs out and all 16 come back 429.
        var sent: [ContinuousClock.Instant] = []
        for _ in 0..<16 {
            try await limiter.acquire()
            sent.append(.now)
        }
        for started in sent { await limiter.release(.throttled(retryAfter: nil), startedAt: started) }
        #expect(await limiter.currentLimit == 8, "one decrease for the round, not 16 down to the floor")
        #expect(await limiter.throttledCount == 16)
        // A request sent after the decrease that is throttled again halves again.
        try await limiter.acquire()
        let later = ContinuousClock.now
        await limiter.release(.throttled(retryAfter: nil), startedAt: later)
        #expect(await limiter.currentLimit == 4)
    }

    @Test func waitingCanBeCancelled() async throws {
        let limiter = AdaptiveConcurrencyLimiter(ceiling: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        await limiter.release(.success(latency: .milliseconds(1)))
        try await limiter.acquire()  // the cancelled waiter took no permit
        #expect(await limiter.requestsInFlight == 1)
    }
}

import Testing
@testable import SecretsStoreProvider

/// The LRU with an entry limit and an idle time-out.
@Suite struct BoundedCacheTests {
    @Test func evictsTheLeastRecentlyUsedPastTheLimit() {
        var cache = BoundedCache<String, Int>(limits: CacheLimits(maximumEntries: 3, idleTimeout: .seconds(60)))
        let t0 = ContinuousClock.now
        cache.insert(1, for: "a", now: t0)
        cache.insert(2, for: "b", now: t0)
        cache.insert(3, for: "c", now: t0)
        #expect(cache.value(for: "a", now: t0) == 1)  // a is now the most recent
        cache.insert(4, for: "d", now: t0)  // evicts b, the least recently used
        #expect(cache.count == 3)
        #expect(cache.peek("b") == nil)
        #expect(cache.peek("a") == 1 && cache.peek("c") == 3 && cache.peek("d") == 4)
        cache.insert(5, for: "e", now: t0)  // evicts c
        #expect(cache.peek("c") == nil)
        #expect(cache.evictions == 2)
    }

    @Test func dropsIdleEntries() {
        var cache = BoundedCache<String, Int>(limits: CacheLimits(maximumEntries: 10, idleTimeout: .seconds(10)))
        let t0 = ContinuousClock.now
        cache.insert(1, for: "old", now: t0)
        cache.insert(2, for: "used", now: t0)
        #expect(cache.value(for: "used", now: t0 + .seconds(8)) == 2)
        #expect(cache.value(for: "old", now: t0 + .seconds(11)) == nil, "idle for 11 s")
        #expect(cache.value(for: "used", now: t0 + .seconds(11)) == 2, "used 3 s ago")
        #expect(cache.count == 1)
    }

    @Test func updatesInPlaceAndReusesSlots() {
        var cache = BoundedCache<Int, Int>(limits: CacheLimits(maximumEntries: 100, idleTimeout: .seconds(3600)))
        for round in 0..<50 {
            for key in 0..<200 { cache.insert(round, for: key) }
        }
        #expect(cache.count == 100)
        #expect((100..<200).allSatisfy { cache.peek($0) == 49 })
        cache.removeValue(for: 150)
        #expect(cache.peek(150) == nil && cache.count == 99)
    }
}

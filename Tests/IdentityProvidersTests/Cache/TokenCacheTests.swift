import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

@Suite struct TokenCacheTests {
    let key = TokenCache.Key(credentialID: "test", tenantID: "t", scopes: ["https://vault.azure.net/.default"])

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        let counter = Counter()
        let expiry = clock.now().addingTimeInterval(3600)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.token(for: key) {
                        let n = await counter.increment()
                        try await Task.sleep(for: .milliseconds(50))
                        return AccessToken(token: "token-\(n)", expiresOn: expiry)
                    }.token
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(await counter.value == 1)
        #expect(Set(tokens) == ["token-1"])
        #expect(tokens.count == 50)
    }

    @Test func refreshesAtRefreshOnWithFakeClock() async throws {
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        let counter = Counter()
        let start = clock.now()
        let fetch: @Sendable () async throws -> AccessToken = {
            let n = await counter.increment()
            let now = clock.now()
            return AccessToken(token: "token-\(n)", expiresOn: now.addingTimeInterval(7200), refreshOn: now.addingTimeInterval(3600))
        }
        #expect(try await cache.token(for: key, fetch: fetch).token == "token-1")
        clock.advance(by: .seconds(3599))
        #expect(try await cache.token(for: key, fetch: fetch).token == "token-1")
        clock.advance(by: .seconds(2))
        #expect(try await cache.token(for: key, fetch: fetch).token == "token-2")
        #expect(await counter.value == 2)
        #expect(clock.now().timeIntervalSince(start) >= 3601)
    }

    @Test func refreshesFiveMinutesBeforeExpiryWithoutRefreshOn() async throws {
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        let counter = Counter()
        let fetch: @Sendable () async throws -> AccessToken = {
            let n = await counter.increment()
            return AccessToken(token: "token-\(n)", expiresOn: clock.now().addingTimeInterval(3600))
        }
        _ = try await cache.token(for: key, fetch: fetch)
        clock.advance(by: .seconds(3600 - 301))
        #expect(try await cache.token(for: key, fetch: fetch).token == "token-1")
        clock.advance(by: .seconds(2))
        #expect(try await cache.token(for: key, fetch: fetch).token == "token-2")
    }

    @Test func failedRefreshServesValidTokenAndRetriesEvery30Seconds() async throws {
        struct Boom: Error {}
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        let counter = Counter()
        let expiry = clock.now().addingTimeInterval(3600)
        _ = try await cache.token(for: key) {
            AccessToken(token: "old", expiresOn: expiry, refreshOn: clock.now().addingTimeInterval(60))
        }
        clock.advance(by: .seconds(61))
        let failing: @Sendable () async throws -> AccessToken = {
            _ = await counter.increment()
            throw Boom()
        }
        #expect(try await cache.token(for: key, fetch: failing).token == "old")
        #expect(await counter.value == 1)
        clock.advance(by: .seconds(10))
        #expect(try await cache.token(for: key, fetch: failing).token == "old")
        #expect(await counter.value == 1, "no new attempt within 30 s")
        clock.advance(by: .seconds(21))
        #expect(try await cache.token(for: key, fetch: failing).token == "old")
        #expect(await counter.value == 2, "a new attempt after 30 s")
        clock.advance(by: .seconds(3600))
        await #expect(throws: Boom.self) { try await cache.token(for: key, fetch: failing) }
    }

    @Test func errorsAreNotCached() async throws {
        struct Boom: Error {}
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        await #expect(throws: Boom.self) {
            try await cache.token(for: key) { throw Boom() }
        }
        let token = try await cache.token(for: key) { AccessToken(token: "ok", expiresOn: clock.now().addingTimeInterval(3600)) }
        #expect(token.token == "ok")
    }

    @Test func cancelledWaiterDoesNotCancelSharedRefresh() async throws {
        let clock = ManualClock()
        let cache = TokenCache(clock: clock)
        let counter = Counter()
        let (gate, release) = AsyncStream<Void>.makeStream()
        let fetch: @Sendable () async throws -> AccessToken = {
            _ = await counter.increment()
            for await _ in gate { break }
            try Task.checkCancellation()
            return AccessToken(token: "shared", expiresOn: clock.now().addingTimeInterval(3600))
        }
        let cancelled = Task { try await cache.token(for: key, fetch: fetch) }
        while await counter.value == 0 { await Task.yield() }
        let other = Task { try await cache.token(for: key, fetch: fetch) }
        cancelled.cancel()
        let cancelledResult = await cancelled.result
        #expect(throws: CancellationError.self) { try cancelledResult.get() }
        release.yield()
        #expect(try await other.value.token == "shared")
        #expect(await counter.value == 1)
        #expect(await cache.fetchesStarted == 1)
    }
}

import KeyVaultCore
import Logging
import Synchronization

/// What the mounts of one provider share: the converted contents of objects pinned to a version, the contents of
/// current versions within the freshness window, and the fetches in flight (single flight).
///
/// Every key starts with the identity scope (the identity and the fingerprint of the proof it was built from), so
/// nothing fetched by one identity or proof is ever served to another. Within a scope, concurrent mounts that need
/// the same object (vault, type, name, version and conversion) share one Key Vault request.
actor SharedObjectStore {
    /// An object version and how it is converted, within one identity scope.
    struct Key: Hashable, Sendable {
        var scope: String
        var vault: String
        var type: String
        var name: String
        /// The version, empty for the current one; `versions` lists instead of getting.
        var version: String
        var listsVersions: Bool
        var pfx: Bool
        var encoding: String

        init(scope: String, vault: String, object: ValidatedKeyVaultObject, version: String, listsVersions: Bool = false) {
            self.scope = scope
            self.vault = vault.lowercased()
            self.type = object.type.rawValue
            self.name = object.source.objectName.lowercased()
            self.version = version
            self.listsVersions = listsVersions
            self.pfx = listsVersions ? false : object.format == .pfx
            self.encoding = listsVersions ? "" : object.encoding.rawValue
        }
    }

    /// A cached or shared value.
    enum Value: Sendable {
        case content(KeyVaultObjectContent)
        case versions([KeyVaultObjectVersion])
    }

    private struct Fresh {
        var value: Value
        var fetched: ContinuousClock.Instant
    }

    private var pinned: BoundedCache<Key, Value>
    private var fresh: BoundedCache<Key, Fresh>
    /// A fetch in flight and the number of mounts waiting for it.
    private final class Flight: Sendable {
        let id: Int
        let task: Task<Value, any Error>
        let waiters = Mutex(0)
        init(id: Int, task: Task<Value, any Error>) {
            self.id = id
            self.task = task
        }
    }

    private var flights: [Key: Flight] = [:]
    private var flightCount = 0
    private let freshness: Duration
    private let metrics: ProviderMetrics

    init(limits: ProviderCacheLimits, freshness: Duration, metrics: ProviderMetrics) {
        pinned = BoundedCache(limits: limits.pinnedVersions)
        fresh = BoundedCache(limits: limits.freshObjects)
        self.freshness = freshness
        self.metrics = metrics
    }

    /// The value for `key`: from the pinned cache (`pinned`), from the freshness window, from a fetch already in
    /// flight, or from `fetch`, whose result is then kept as the kind of key allows. Errors are never kept.
    func value(
        for key: Key, pinned isPinned: Bool, fetch: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = ContinuousClock.now
        if isPinned {
            if let hit = pinned.value(for: key, now: now) {
                metrics.cache("pinned", hit: true)
                return hit
            }
            metrics.cache("pinned", hit: false)
        } else if freshness > .zero {
            if let hit = fresh.value(for: key, now: now), now - hit.fetched <= freshness {
                metrics.cache("fresh", hit: true)
                return hit.value
            }
            metrics.cache("fresh", hit: false)
        }
        let flight: Flight
        if let existing = flights[key] {
            metrics.singleFlightJoin()
            flight = existing
        } else {
            // The shared fetch belongs to no single mount: it finishes (and keeps its result) even when the mount
            // that started it is cancelled, unless every waiting mount has gone.
            flightCount += 1
            let id = flightCount
            flight = Flight(id: id, task: Task { [weak self] in
                let result: Result<Value, any Error>
                do { result = .success(try await fetch()) } catch { result = .failure(error) }
                await self?.finish(key, flight: id, result: result, pinned: isPinned, fetched: now)
                return try result.get()
            })
            flights[key] = flight
        }
        flight.waiters.withLock { $0 += 1 }
        return try await Self.wait(for: flight) { [weak self] in
            Task { await self?.leave(key, flight: flight) }
        }
    }

    /// One waiter: its continuation (resumed once, by the result or by cancellation) and whether the fetch ended.
    private final class Waiter: Sendable {
        let continuation = Mutex<CheckedContinuation<Value, any Error>?>(nil)
        let finished = Mutex(false)

        func resume(with result: Result<Value, any Error>) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
    }

    /// Waits for a flight; a cancelled waiter stops waiting at once (with `CancellationError`) and leaves.
    private static func wait(for flight: Flight, onCancel: @escaping @Sendable () -> Void) async throws -> Value {
        let waiter = Waiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                waiter.continuation.withLock { $0 = continuation }
                if Task.isCancelled, waiter.resume(with: .failure(CancellationError())) {
                    onCancel()
                    return
                }
                Task {
                    let result = await flight.task.result
                    waiter.finished.withLock { $0 = true }
                    _ = waiter.resume(with: result)
                }
            }
        } onCancel: {
            if waiter.resume(with: .failure(CancellationError())), !waiter.finished.withLock({ $0 }) { onCancel() }
        }
    }

    /// A cancelled waiter leaves its flight; the last one to leave cancels the fetch, which nobody needs any more.
    private func leave(_ key: Key, flight: Flight) {
        let remaining = flight.waiters.withLock { count in
            count -= 1
            return count
        }
        guard remaining <= 0, flights[key] === flight else { return }
        flights[key] = nil
        flight.task.cancel()
    }

    /// Records a finished fetch: the flight ends, and a value is kept as the kind of key allows (errors never are).
    private func finish(_ key: Key, flight id: Int, result: Result<Value, any Error>, pinned isPinned: Bool, fetched: ContinuousClock.Instant) {
        if flights[key]?.id == id { flights[key] = nil }
        guard case .success(let value) = result else { return }
        if isPinned {
            pinned.insert(value, for: key)
        } else if freshness > .zero {
            fresh.insert(Fresh(value: value, fetched: fetched), for: key)
        }
    }

    /// Entry counts, for tests and diagnostics.
    var statistics: (pinned: Int, fresh: Int, inFlight: Int) {
        (pinned.count, fresh.count, flights.count)
    }
}

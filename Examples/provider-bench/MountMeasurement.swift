import Foundation
import MountWriter
import SecretsStoreProvider

/// What one mount took: the fetch (Key Vault and token requests), the atomic write, and the requests the
/// emulators counted during it.
struct MountMeasurement {
    var fetch: Duration
    var write: Duration
    var requests: RequestCounts
    var files: Int
    var changed: Bool

    /// The whole mount: fetch plus write (what `KeyVaultProvider.mount(_:into:)` does, timed in two parts).
    var mount: Duration { fetch + write }

    /// Mounts `request` into `directory` with `provider`, timing the fetch and the write separately.
    static func run(
        _ provider: KeyVaultProvider, _ request: MountRequest, into directory: String, harness: BenchHarness
    ) async throws -> MountMeasurement {
        let clock = ContinuousClock()
        let before = await harness.counts()
        let start = clock.now
        let result = try await provider.fetch(request)
        let fetched = clock.now
        let outcome = try provider.write(result, into: directory)
        let written = clock.now
        let after = await harness.counts()
        return MountMeasurement(
            fetch: fetched - start, write: written - fetched, requests: after - before, files: result.files.count,
            changed: outcome.write.changed
        )
    }
}

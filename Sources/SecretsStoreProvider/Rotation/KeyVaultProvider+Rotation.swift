import MountWriter

extension KeyVaultProvider {
    /// Mounts, then keeps re-mounting at the policy's interval until cancelled (or for `policy.rounds` rounds).
    ///
    /// Each round fetches what may have changed (objects pinned to a version are served from memory) and writes
    /// only when bytes or modes changed. A failed round leaves the previous files in place, reports the error
    /// through `onEvent`, and delays the next round (see ``RotationPolicy``). Every wait between rounds, the interval
    /// and the backoff alike, is a sleep on `clock`, called after the round's event has been reported.
    /// - Parameters:
    ///   - request: Produces the request of each round (so a caller can refresh the service-account token).
    ///   - directory: The target directory.
    ///   - owner: An optional owner/group for the files.
    ///   - policy: Interval, backoff and number of rounds.
    ///   - clock: The clock the waits between rounds sleep on (default `ContinuousClock()`; a test passes a clock it
    ///     advances itself).
    ///   - onEvent: Called after each round, before the wait that follows it.
    /// - Throws: `CancellationError` when the surrounding task is cancelled (or what `clock` throws from a sleep).
    public func rotate(
        _ request: @Sendable () async throws -> MountRequest,
        into directory: String,
        owner: FileOwner? = nil,
        policy: RotationPolicy,
        clock: any Clock<Duration> = ContinuousClock(),
        onEvent: @Sendable (RotationEvent) -> Void
    ) async throws {
        var failures = 0
        var round = 0
        while policy.rounds.map({ round < $0 }) ?? true {
            try Task.checkCancellation()
            round += 1
            do {
                let current: MountRequest
                do {
                    current = try await request()
                } catch let error as SecretsStoreProviderError {
                    throw error
                } catch {
                    throw SecretsStoreProviderError(.invalidManifest, "failed to read the mount request: \(error)")
                }
                let outcome = try await mount(current, into: directory, owner: owner)
                failures = 0
                onEvent(.mounted(round: round, outcome: outcome))
            } catch let error as SecretsStoreProviderError {
                failures += 1
                onEvent(.failed(round: round, error: error, retryIn: policy.delay(afterConsecutiveFailures: failures)))
            }
            if let rounds = policy.rounds, round >= rounds { break }
            try await clock.sleep(for: policy.delay(afterConsecutiveFailures: failures))
        }
    }
}

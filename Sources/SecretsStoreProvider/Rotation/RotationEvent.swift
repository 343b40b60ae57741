/// What happened in one round of ``KeyVaultProvider/rotate(_:into:owner:policy:clock:onEvent:)``.
public enum RotationEvent: Sendable {
    /// The mount succeeded; `outcome.write.changed` says whether files changed.
    case mounted(round: Int, outcome: MountOutcome)
    /// The mount failed; the files on disk were left as they were. The next attempt comes after `retryIn`.
    case failed(round: Int, error: SecretsStoreProviderError, retryIn: Duration)
}

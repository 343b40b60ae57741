import Configuration
import Logging

extension KeyVaultSecretsProvider {
    /// What the provider loads and how it reloads.
    public struct Options: Sendable {
        /// The secrets to load, by Key Vault name (case-insensitive); `nil` loads every enabled secret of the vault.
        public var secretNames: Set<String>?
        /// Which secrets become which configuration keys (default: `--` separates components).
        public var keyMapping: SecretKeyMapping
        /// How often ``KeyVaultSecretsProvider/run()`` polls the vault (default 5 minutes).
        public var reloadInterval: Duration
        /// The longest wait between retries after failed polls (the wait doubles from a tenth of the interval).
        public var maximumBackoff: Duration
        /// The logger (swift-log); default: no logging. Values are never logged.
        public var logger: Logger

        /// Creates options.
        /// - Parameters:
        ///   - secretNames: The secrets to load, or `nil` for every enabled secret.
        ///   - keyMapping: Names to keys.
        ///   - reloadInterval: The polling interval.
        ///   - maximumBackoff: The longest wait after failures.
        ///   - logger: The logger.
        public init(
            secretNames: Set<String>? = nil,
            keyMapping: SecretKeyMapping = .default,
            reloadInterval: Duration = .seconds(300),
            maximumBackoff: Duration = .seconds(300),
            logger: Logger = Logger(label: "KeyVaultConfiguration", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.secretNames = secretNames
            self.keyMapping = keyMapping
            self.reloadInterval = reloadInterval
            self.maximumBackoff = maximumBackoff
            self.logger = logger
        }
    }

    /// What the last polls did, readable by the application (for a health endpoint or a log line).
    public struct ReloadStatus: Sendable {
        /// When the last successful load finished.
        public var lastSuccess: ContinuousClock.Instant?
        /// The last failure, kept until a poll succeeds (the values served are those of the last good load).
        public var lastError: (any Error & Sendable)?
        /// When the last failure happened.
        public var lastErrorTime: ContinuousClock.Instant?
        /// Failed polls since the provider was created.
        public var failedPolls: Int
        /// Polls since the provider was created.
        public var polls: Int
        /// Secrets fetched (gets) since the provider was created: only new or changed secrets are fetched.
        public var secretsFetched: Int
    }
}

import Configuration
import Foundation
import Hummingbird
import KeyVaultConfiguration
import Logging

/// The example service: its settings come from environment variables and Key Vault through one `ConfigReader`, and
/// `GET /settings` shows which settings are present and where the Key Vault values stand, never a value.
public enum ConfigService {
    /// The settings the service reads, by configuration key.
    public static let settingKeys = ["database.host", "database.password", "api.token", "http.port"]

    /// The JSON answer of `GET /settings`.
    public struct SettingsReport: Codable, Sendable, ResponseEncodable {
        /// Key to whether a value is present (values are never shown).
        public var present: [String: Bool]
        /// Successful Key Vault polls so far.
        public var keyVaultPolls: Int
        /// Failed Key Vault polls so far.
        public var keyVaultFailedPolls: Int
        /// The last Key Vault error, if the last poll failed.
        public var keyVaultLastError: String?
    }

    /// The report for a reader and the Key Vault provider.
    /// - Parameters:
    ///   - config: The reader.
    ///   - secrets: The Key Vault provider.
    /// - Returns: Which settings are present, and the provider's status.
    public static func report(config: ConfigReader, secrets: KeyVaultSecretsProvider) -> SettingsReport {
        let status = secrets.status
        return SettingsReport(
            present: Dictionary(uniqueKeysWithValues: settingKeys.map { ($0, config.string(forKey: ConfigKey($0), isSecret: true) != nil) }),
            keyVaultPolls: status.polls - status.failedPolls,
            keyVaultFailedPolls: status.failedPolls,
            keyVaultLastError: status.lastError.map { "\($0)" }
        )
    }

    /// The HTTP application: `GET /settings`.
    /// - Parameters:
    ///   - config: The reader (environment variables, then Key Vault).
    ///   - secrets: The Key Vault provider (for its status).
    ///   - port: The port (0 for any).
    ///   - logger: The logger.
    /// - Returns: The application, a swift-service-lifecycle service.
    public static func application(
        config: ConfigReader, secrets: KeyVaultSecretsProvider, port: Int, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("settings") { _, _ in report(config: config, secrets: secrets) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }
}

import AzureCoreTesting
import AzureCore
import Foundation
import KeyVaultCore
import Logging

extension AzureEmulators {
    /// Runs a body with the emulators started from a seed, and always stops them afterwards, whether the body
    /// returns or throws.
    ///
    /// ```swift
    /// let value = try await AzureEmulators.withRunning(seed: .sample) { emulators in
    ///     let settings = try emulators.keyVaultClientSettings(vault: AzureEmulatorSeed.Sample.vaultName)
    ///     ...
    /// }
    /// ```
    /// - Parameters:
    ///   - seed: What to create (default: the built-in sample).
    ///   - seedDirectory: The folder relative `pfxFile`/`pemFile` paths of the seed are resolved against.
    ///   - logger: The servers' logger (default: no logging).
    ///   - isolation: The caller's isolation, which the body runs in.
    ///   - body: The code using the emulators.
    /// - Returns: What the body returns.
    /// - Throws: What ``start(seed:seedDirectory:stateDirectory:logger:)`` or the body throws.
    public static func withRunning<Result>(
        seed: AzureEmulatorSeed = .sample,
        seedDirectory: URL? = nil,
        logger: Logger = Logger(label: "KeyVaultTesting", factory: { _ in SwiftLogNoOpLogHandler() }),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (AzureEmulators) async throws -> sending Result
    ) async throws -> sending Result {
        let emulators = try await start(seed: seed, seedDirectory: seedDirectory, logger: logger)
        do {
            let result = try await body(emulators)
            await emulators.stop()
            return result
        } catch {
            await emulators.stop()
            throw error
        }
    }

    /// What a client needs to reach the emulators, in one value: a transport configuration that trusts the test
    /// CA, and the `KeyVaultClient` settings for one emulated vault.
    public struct KeyVaultClientSettings: Sendable {
        /// The vault's URL (`https://127.0.0.1:<port>`).
        public var vaultURL: URL
        /// An `AsyncHTTPClientTransport` configuration that trusts the emulators' CA, for the Key Vault client and
        /// for credentials talking to the Entra ID emulator.
        public var transportConfiguration: AsyncHTTPClientTransport.Configuration
        /// Key Vault client options with challenge-resource verification off (the emulated vault's challenge names
        /// `https://vault.azure.net` while it listens on a loopback address).
        public var options: KeyVaultClient.Options
        /// The Entra ID emulator's authority host, for a credential's `authorityHost`.
        public var authorityHost: URL
    }

    /// The settings that point a `KeyVaultClient` at one emulated vault.
    /// - Parameter vault: The vault's name in the seed.
    /// - Returns: The settings.
    /// - Throws: ``KeyVaultEmulatorError`` `vaultNotFound` when the seed has no such vault.
    public func keyVaultClientSettings(vault: String) throws -> KeyVaultClientSettings {
        guard let vaultURL = vaultURLs[vault] else {
            throw KeyVaultEmulatorError(
                code: .vaultNotFound, vault: vault,
                message: "no emulated vault '\(vault)'; the seed has \(vaultURLs.keys.sorted().joined(separator: ", "))")
        }
        return KeyVaultClientSettings(
            vaultURL: vaultURL,
            transportConfiguration: transportConfiguration,
            options: KeyVaultClient.Options(verifyChallengeResource: false),
            authorityHost: entra.authorityHost
        )
    }

    /// An `AsyncHTTPClientTransport` configuration that trusts the emulators' test CA.
    public var transportConfiguration: AsyncHTTPClientTransport.Configuration {
        AsyncHTTPClientTransport.Configuration(additionalTrustRootsPEM: [certificateAuthority.caPEM], ignoresEnvironmentProxy: true)
    }
}

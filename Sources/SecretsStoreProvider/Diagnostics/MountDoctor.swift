import Foundation

/// Runs a mount's path one step at a time, without writing anything, and says for each step whether it works and,
/// when it does not, why and what to do: the manifest and the identity mode chosen from it, the cloud and the vault
/// URL, the identity's token, Key Vault's challenge (tenant, resource) and the token's audience, reading each
/// object, converting it, and the target directory.
///
/// It stops only where a later step cannot run without this one (no token: no object is read; no object read: no
/// conversion). Its output never holds a secret value, a token or a client secret: a service-account token is
/// shown as its decoded issuer, subject, audience and expiry; an access token as its audience and tenant.
///
/// ```swift
/// let doctor = MountDoctor(configuration: ProviderConfiguration(logger: logger))
/// let report = await doctor.diagnose(manifest: yaml, attributes: attributes, secrets: secrets)
/// print(report.text)
/// ```
public struct MountDoctor: Sendable {
    /// Transport, endpoints, vault URL overrides and logger, as for a ``KeyVaultProvider``.
    public var configuration: ProviderConfiguration
    /// The clock that token expiry is compared with.
    public var now: @Sendable () -> Date

    /// Creates a doctor.
    /// - Parameters:
    ///   - configuration: The provider configuration to diagnose with.
    ///   - now: The clock for token expiry (default: the system clock).
    public init(configuration: ProviderConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.now = now
    }

    /// Diagnoses one mount.
    /// - Parameters:
    ///   - manifest: The `SecretProviderClass` YAML.
    ///   - className: Which class to use when the file holds several.
    ///   - source: The manifest's file name, for messages.
    ///   - attributes: The driver's mount attributes (pod, namespace, service-account tokens).
    ///   - secrets: The node-publish secret's data.
    ///   - target: The target directory to check (step 7 runs only with it); nothing is written there.
    /// - Returns: Every step in order.
    public func diagnose(
        manifest: String, className: String? = nil, source: String = "manifest", attributes: [String: String] = [:],
        secrets: [String: String] = [:], target: String? = nil
    ) async -> DoctorReport {
        var run = DoctorRun(doctor: self)
        await run.diagnose(manifest: manifest, className: className, source: source, attributes: attributes, secrets: secrets, target: target)
        return DoctorReport(steps: run.steps)
    }
}

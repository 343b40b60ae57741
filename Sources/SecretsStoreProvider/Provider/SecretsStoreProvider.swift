import AzureCore
import Foundation
import Logging
import MountWriter

/// The Azure Key Vault provider: a `SecretProviderClass` (and the driver's attributes and secrets) in, the right
/// files out.
///
/// One provider serves many mounts: it keeps one credential per identity (so a token is reused across objects and
/// across mounts until it needs refreshing), one Key Vault client per vault and identity (so the challenge is
/// cached), and the contents of objects pinned to a version (so rotation does not fetch them again).
///
/// Nothing earned by one caller is served to another: a credential, its tokens and its pinned contents belong to
/// one identity *and* the proof it was built from. A service principal is keyed by its client secret and its pod
/// namespace, a workload identity by its service-account token and namespace (each stored only as an in-memory
/// hash), so a pod presenting a wrong secret or another service account's token never receives a token or content
/// obtained with the right one. A new proof (a rotated secret, kubelet's refreshed token) replaces the old entry.
///
/// ```swift
/// let provider = SecretsStoreProvider(configuration: .init(logger: logger))
/// let spc = try SecretProviderClass(yaml: manifest)
/// let request = MountRequest(secretProviderClass: spc, attributes: attributes, secrets: secrets)
/// let outcome = try await provider.mount(request, into: "/mnt/secrets-store")
/// print(outcome.write.changed, outcome.result.objectVersions)
/// ```
public actor SecretsStoreProvider {
    /// The configuration.
    public nonisolated let configuration: ProviderConfiguration
    private var identities: [String: IdentityEntry] = [:]

    /// A credential, the proof it was built from (as a hash), its Key Vault readers by vault URL, and the contents
    /// of the pinned versions it fetched.
    struct IdentityEntry {
        var proofFingerprint: Int
        var credential: any TokenCredential
        var readers: [URL: any KeyVaultObjectReader] = [:]
        let pinnedCache = PinnedVersionCache()
    }

    /// Creates a provider.
    /// - Parameter configuration: Transport, endpoints, concurrency and logger.
    public init(configuration: ProviderConfiguration) {
        self.configuration = configuration
    }

    /// Fetches and converts every object of a mount, without writing anything.
    /// - Parameter request: The parameters, secrets and default mode.
    /// - Returns: The files and object versions. One failing object fails the whole mount.
    /// - Throws: ``SecretsStoreProviderError``.
    public func fetch(_ request: MountRequest) async throws(SecretsStoreProviderError) -> MountResult {
        let parameters = try ProviderParameters(validating: request)
        return try await fetch(parameters)
    }

    /// Fetches and converts every object of validated parameters, without writing anything.
    /// - Parameter parameters: The validated parameters.
    /// - Returns: The files and object versions.
    /// - Throws: ``SecretsStoreProviderError``.
    public func fetch(_ parameters: ProviderParameters) async throws(SecretsStoreProviderError) -> MountResult {
        let logger = configuration.logger
        for warning in parameters.warnings { logger.notice("\(warning)") }
        guard !parameters.objects.isEmpty else { return MountResult(files: [], objectVersions: [:]) }
        let (reader, pinnedCache) = try reader(for: parameters)
        logger.info(
            "fetching objects",
            metadata: [
                "vault": "\(parameters.keyvaultName)", "objects": "\(parameters.objects.count)",
                "identity": "\(parameters.identity)", "pod": "\(parameters.podNamespace)/\(parameters.podName)",
            ]
        )
        let fetcher = ObjectFetcher(
            reader: reader,
            maxConcurrentRequests: configuration.maxConcurrentRequests,
            pinnedCache: pinnedCache,
            vaultName: parameters.keyvaultName,
            writeCertAndKeyInSeparateFiles: configuration.writeCertAndKeyInSeparateFiles,
            logger: logger
        )
        do {
            let started = ContinuousClock.now
            let result = try await fetcher.fetch(parameters.objects, defaultMode: parameters.defaultFileMode)
            logger.info(
                "fetched objects",
                metadata: ["vault": "\(parameters.keyvaultName)", "files": "\(result.files.count)", "elapsed": "\(ContinuousClock.now - started)"]
            )
            return result
        } catch let error as SecretsStoreProviderError {
            logger.debug("mount failed", metadata: ["vault": "\(parameters.keyvaultName)", "error": "\(error.message)"])
            throw error
        } catch is CancellationError {
            throw SecretsStoreProviderError(.cancelled, "the mount was cancelled")
        } catch {
            throw SecretsStoreProviderError(.fetchFailed, "\(error)", underlying: error)
        }
    }

    /// Mounts: fetches every object and writes the files atomically into `directory` (Kubernetes atomic-writer
    /// layout), creating it (mode 0755) when missing. Nothing is written when any object fails; a write whose bytes
    /// and modes equal the disk is a no-op. The write itself is synchronous file I/O on the calling task.
    /// - Parameters:
    ///   - request: The parameters, secrets and default mode.
    ///   - directory: The target directory.
    ///   - owner: An optional owner/group for the files (the `fsGroup` request).
    /// - Returns: The fetched result and what the write changed.
    /// - Throws: ``SecretsStoreProviderError``; the files already on disk are left as they were.
    public func mount(_ request: MountRequest, into directory: String, owner: FileOwner? = nil) async throws(SecretsStoreProviderError) -> MountOutcome {
        let parameters = try ProviderParameters(validating: request)
        let result = try await fetch(parameters)
        return try write(result, into: directory, owner: owner)
    }

    /// Writes a fetched result into a directory with ``MountWriter``.
    /// - Parameters:
    ///   - result: The files.
    ///   - directory: The target directory.
    ///   - owner: An optional owner/group for the files.
    /// - Returns: The result and what the write changed.
    /// - Throws: ``SecretsStoreProviderError`` with code `writeFailed`.
    public nonisolated func write(_ result: MountResult, into directory: String, owner: FileOwner? = nil) throws(SecretsStoreProviderError) -> MountOutcome {
        var payload: [String: ProjectedFile] = [:]
        for file in result.files {
            payload[file.path] = ProjectedFile(contents: file.contents, mode: file.mode, owner: owner)
        }
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]
                )
            } catch {
                throw SecretsStoreProviderError(.writeFailed, "failed to create the target directory \(directory): \(error.localizedDescription)")
            }
        }
        do {
            let writer = AtomicDirectoryWriter(targetDirectory: directory, options: configuration.writerOptions)
            let outcome = try writer.write(payload)
            return MountOutcome(result: result, write: outcome)
        } catch {
            throw SecretsStoreProviderError(.writeFailed, "failed to write the files into \(directory): \(error)")
        }
    }

    // MARK: Credentials and readers

    private func reader(
        for parameters: ProviderParameters
    ) throws(SecretsStoreProviderError) -> (any KeyVaultObjectReader, PinnedVersionCache) {
        let identity = parameters.identity
        let cloud = try CloudResolver.resolve(
            name: parameters.cloudName, environmentFile: parameters.cloudEnvFileName, environment: configuration.environment
        )
        // The vault URL is checked before a credential is built, in the Go provider's order.
        let vaultURL = try VaultURLResolver.url(for: parameters.keyvaultName, cloud: cloud, configuration: configuration)

        // Node-publish secrets and service-account tokens are per pod namespace; a managed identity is the node's.
        var key = identity.cacheKey + "|" + cloud.name
        if identity.mode != .managedIdentity { key += "|" + parameters.podNamespace }
        let proof = (identity.clientSecret ?? identity.serviceAccountToken ?? "").hashValue
        var entry: IdentityEntry
        if let existing = identities[key], existing.proofFingerprint == proof {
            entry = existing
        } else {
            let credential = try CredentialFactory.make(for: identity, cloud: cloud, configuration: configuration)
            entry = IdentityEntry(proofFingerprint: proof, credential: credential)
        }
        if let reader = entry.readers[vaultURL] {
            identities[key] = entry
            return (reader, entry.pinnedCache)
        }
        let reader = try KeyVaultClientReader(
            vaultURL: vaultURL,
            vaultName: parameters.keyvaultName,
            credential: entry.credential,
            configuration: configuration
        )
        entry.readers[vaultURL] = reader
        identities[key] = entry
        return (reader, entry.pinnedCache)
    }
}

import AzureCore
import Dispatch
import Foundation
import IdentityProviders
import Logging
import MountWriter
import Synchronization

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
/// Mounts share work: concurrent mounts of the same identity and proof that need the same object (vault, type,
/// name, version, conversion) get it from one Key Vault request, and with ``ProviderConfiguration/objectCacheTTL``
/// a current version is served again within that window. Every cache is bounded by entry count and idle time
/// (``ProviderCacheLimits``), least recently used first. Files are written on a thread pool, never on the actor.
///
/// ```swift
/// let provider = KeyVaultProvider(configuration: .init(logger: logger))
/// let spc = try SecretProviderClass(yaml: manifest)
/// let request = MountRequest(secretProviderClass: spc, attributes: attributes, secrets: secrets)
/// let outcome = try await provider.mount(request, into: "/mnt/secrets-store")
/// print(outcome.write.changed, outcome.result.objectVersions)
/// ```
public actor KeyVaultProvider {
    /// The configuration.
    public nonisolated let configuration: ProviderConfiguration
    private var identities: BoundedCache<String, IdentityEntry>
    private var clients: BoundedCache<ClientKey, KeyVaultClientReader>
    private var limiters: BoundedCache<String, AdaptiveConcurrencyLimiter>
    private let objects: SharedObjectStore
    /// Validated `objects` by their text, shared by every mount of this provider.
    public nonisolated let objectsCache = ParsedObjectsCache()

    /// A credential and the fingerprint of the proof it was built from (HMAC under a per-process key).
    struct IdentityEntry {
        var proofFingerprint: String
        var credential: any TokenCredential
        /// The identity key and proof: the scope of every client and object cached for this credential.
        var scope: String
    }

    /// A Key Vault client of one identity scope.
    struct ClientKey: Hashable {
        var scope: String
        var vaultURL: URL
    }

    /// Creates a provider.
    /// - Parameter configuration: Transport, endpoints, concurrency, caches, metrics and logger.
    public init(configuration: ProviderConfiguration) {
        self.configuration = configuration
        identities = BoundedCache(limits: configuration.cacheLimits.identities)
        clients = BoundedCache(limits: configuration.cacheLimits.clients)
        limiters = BoundedCache(limits: configuration.cacheLimits.clients)
        objects = SharedObjectStore(
            limits: configuration.cacheLimits, freshness: configuration.objectCacheTTL, metrics: configuration.metrics
        )
    }

    /// The number of entries in each cache: identities (credentials), Key Vault clients, pinned versions, fresh
    /// objects, and fetches in flight.
    public var cacheStatistics: (identities: Int, clients: Int, pinnedVersions: Int, freshObjects: Int, inFlight: Int) {
        get async {
            let shared = await objects.statistics
            return (identities.count, clients.count, shared.pinned, shared.fresh, shared.inFlight)
        }
    }

    /// Fetches and converts every object of a mount, without writing anything.
    /// - Parameter request: The parameters, secrets and default mode.
    /// - Returns: The files and object versions. One failing object fails the whole mount.
    /// - Throws: ``SecretsStoreProviderError`` (its ``SecretsStoreProviderError/underlying`` keeps the typed cause);
    ///   `CancellationError` when the task is cancelled.
    public func fetch(_ request: MountRequest) async throws -> MountResult {
        let parameters = try ProviderParameters(validating: request, objectsCache: objectsCache)
        return try await fetch(parameters)
    }

    /// Fetches and converts every object of validated parameters, without writing anything.
    /// - Parameter parameters: The validated parameters.
    /// - Returns: The files and object versions.
    /// - Throws: ``SecretsStoreProviderError``; `CancellationError` when the task is cancelled.
    public func fetch(_ parameters: ProviderParameters) async throws -> MountResult {
        let logger = configuration.logger
        for warning in parameters.warnings { logger.notice("\(warning)") }
        guard !parameters.objects.isEmpty else { return MountResult(files: [], objectVersions: [:]) }
        let (reader, scope) = try reader(for: parameters)
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
            shared: ObjectFetcher.Shared(store: objects, scope: scope),
            vaultName: parameters.keyvaultName,
            writeCertAndKeyInSeparateFiles: configuration.writeCertAndKeyInSeparateFiles,
            logger: logger
        )
        let tally = ThrottleTally()
        do {
            let started = ContinuousClock.now
            let objects = parameters.objects
            let defaultMode = parameters.defaultFileMode
            let result = try await ThrottleTally.$current.withValue(tally) {
                try await Self.withMountDeadline(configuration.mountTimeout, vault: parameters.keyvaultName) {
                    try await fetcher.fetch(objects, defaultMode: defaultMode)
                }
            }
            logger.info(
                "fetched objects",
                metadata: ["vault": "\(parameters.keyvaultName)", "files": "\(result.files.count)", "elapsed": "\(ContinuousClock.now - started)"]
            )
            return result
        } catch var error as SecretsStoreProviderError {
            if tally.value > 0 {
                error.message += " (Key Vault answered 429 \(tally.value) time\(tally.value == 1 ? "" : "s") during this mount)"
            }
            logger.debug("mount failed", metadata: ["vault": "\(parameters.keyvaultName)", "error": "\(error.message)"])
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SecretsStoreProviderError(.fetchFailed, "\(error)", underlying: error)
        }
    }

    /// Mounts: fetches every object and writes the files atomically into `directory` (Kubernetes atomic-writer
    /// layout), creating it (mode 0755) when missing. Nothing is written when any object fails; a write whose bytes
    /// and modes equal the disk is a no-op. The write (`flock`, `fsync`) runs on a thread pool, so a slow disk never
    /// stalls the provider's other mounts.
    /// - Parameters:
    ///   - request: The parameters, secrets and default mode.
    ///   - directory: The target directory.
    ///   - owner: An optional owner/group for the files (the `fsGroup` request).
    /// - Returns: The fetched result and what the write changed.
    /// - Throws: ``SecretsStoreProviderError``; `CancellationError` when the task is cancelled. Either way the files
    ///   already on disk are left as they were.
    public func mount(_ request: MountRequest, into directory: String, owner: FileOwner? = nil) async throws -> MountOutcome {
        let parameters = try ProviderParameters(validating: request, objectsCache: objectsCache)
        guard let timeout = configuration.mountTimeout else {
            let result = try await fetch(parameters)
            return try await writeOffActor(result, into: directory, owner: owner)
        }
        // One deadline for the fetch and the write: the fetch inside keeps the earlier of the two.
        let deadline = OperationDeadline.current.map { min($0, .now + timeout) } ?? .now + timeout
        return try await OperationDeadline.$current.withValue(deadline) {
            let result = try await fetch(parameters)
            return try await writeOffActor(result, into: directory, owner: owner)
        }
    }

    /// Runs `operation` within the mount deadline (none when `timeout` is nil), turning its passing into
    /// ``SecretsStoreProviderError/Code/timedOut``.
    static func withMountDeadline<Result: Sendable>(
        _ timeout: Duration?, vault: String, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        guard let timeout else { return try await operation() }
        let deadline = OperationDeadline.current.map { min($0, .now + timeout) } ?? .now + timeout
        let seconds = Int((Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18).rounded())
        let text = "the mount of vault \(vault) did not finish within its deadline of \(seconds)s (--timeout, or ProviderConfiguration.mountTimeout); the files on disk are unchanged"
        do {
            return try await OperationDeadline.withDeadline(
                deadline, timeoutError: { SecretsStoreProviderError(.timedOut, text) }, operation: operation
            )
        } catch let error as SecretsStoreProviderError where error.code == .timedOut {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch where ContinuousClock.now >= deadline {
            // A request that the deadline cut short can fail a moment before the deadline's own timer fires: the
            // cause is the same.
            throw SecretsStoreProviderError(.timedOut, "\(text): \(error)", underlying: error)
        }
    }

    /// Runs ``write(_:into:owner:)`` on a Dispatch worker thread (blocking file I/O belongs there, not on the
    /// cooperative pool or the actor). Cancelling the task stops a wait for the target's lock within
    /// milliseconds, and the lock wait ends by the mount deadline (``OperationDeadline``).
    nonisolated func writeOffActor(
        _ result: MountResult, into directory: String, owner: FileOwner?
    ) async throws -> MountOutcome {
        let cancelled = CancellationFlag()
        let lockTimeout = OperationDeadline.remaining
        let outcome: Result<MountOutcome, SecretsStoreProviderError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    do throws(SecretsStoreProviderError) {
                        continuation.resume(returning: .success(
                            try self.write(result, into: directory, owner: owner, lockTimeout: lockTimeout, isCancelled: { cancelled.isSet })
                        ))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            cancelled.set()
        }
        if case .failure(let error) = outcome, (error.underlying as? MountWriterError)?.code == .cancelled {
            throw CancellationError()
        }
        return try outcome.get()
    }

    /// Writes a fetched result into a directory with `MountWriter`.
    /// - Parameters:
    ///   - result: The files.
    ///   - directory: The target directory.
    ///   - owner: An optional owner/group for the files.
    /// - Returns: The result and what the write changed.
    /// - Throws: ``SecretsStoreProviderError`` with code `writeFailed`.
    public nonisolated func write(_ result: MountResult, into directory: String, owner: FileOwner? = nil) throws(SecretsStoreProviderError) -> MountOutcome {
        try write(result, into: directory, owner: owner, lockTimeout: nil, isCancelled: { Task.isCancelled })
    }

    /// ``write(_:into:owner:)`` with the lock wait bounded by `lockTimeout` (when it is shorter than the writer
    /// options' own) and stopped when `isCancelled` returns true.
    nonisolated func write(
        _ result: MountResult, into directory: String, owner: FileOwner?, lockTimeout: Duration?, isCancelled: () -> Bool
    ) throws(SecretsStoreProviderError) -> MountOutcome {
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
            var options = configuration.writerOptions
            if let lockTimeout { options.lockTimeout = options.lockTimeout.map { min($0, lockTimeout) } ?? lockTimeout }
            let writer = AtomicDirectoryWriter(targetDirectory: directory, options: options)
            let outcome = try writer.write(payload, isCancelled: isCancelled)
            return MountOutcome(result: result, write: outcome)
        } catch {
            switch error.code {
            case .lockTimeout:
                throw SecretsStoreProviderError(
                    .timedOut, "failed to write the files into \(directory): \(error) (within the mount deadline); the files on disk are unchanged",
                    underlying: error
                )
            default:
                throw SecretsStoreProviderError(.writeFailed, "failed to write the files into \(directory): \(error)", underlying: error)
            }
        }
    }

    // MARK: Credentials and readers

    private func reader(
        for parameters: ProviderParameters
    ) throws(SecretsStoreProviderError) -> (any KeyVaultObjectReader, String) {
        let identity = parameters.identity
        let cloud = try CloudResolver.resolve(
            name: parameters.cloudName, environmentFile: parameters.cloudEnvFileName, environment: configuration.environment
        )
        // The vault URL is checked before a credential is built, in the Go provider's order.
        let vaultURL = try VaultURLResolver.url(for: parameters.keyvaultName, cloud: cloud, configuration: configuration)

        // Node-publish secrets and service-account tokens are per pod namespace; a managed identity is the node's.
        var key = identity.cacheKey + "|" + cloud.name
        if identity.mode != .managedIdentity { key += "|" + parameters.podNamespace }
        let proof = ProofFingerprint.of(identity.clientSecret ?? identity.serviceAccountToken ?? "")
        let metrics = configuration.metrics
        let entry: IdentityEntry
        if let existing = identities.value(for: key), existing.proofFingerprint == proof {
            metrics.cache("identity", hit: true)
            entry = existing
        } else {
            metrics.cache("identity", hit: false)
            let credential = try CredentialFactory.make(for: identity, cloud: cloud, configuration: configuration)
            entry = IdentityEntry(
                proofFingerprint: proof,
                credential: MeteredCredential(base: credential, mode: Self.metricMode(identity.mode), metrics: metrics),
                scope: key + "|" + proof
            )
            identities.insert(entry, for: key)
        }
        let clientKey = ClientKey(scope: entry.scope, vaultURL: vaultURL)
        if let reader = clients.value(for: clientKey) {
            metrics.cache("client", hit: true)
            return (reader, entry.scope)
        }
        metrics.cache("client", hit: false)
        let reader = try KeyVaultClientReader(
            vaultURL: vaultURL,
            credential: entry.credential,
            limiter: limiter(for: vaultURL),
            configuration: configuration
        )
        clients.insert(reader, for: clientKey)
        return (reader, entry.scope)
    }

    /// The vault's limiter, shared by every identity and mount that reads it (one per host and port).
    private func limiter(for vaultURL: URL) -> AdaptiveConcurrencyLimiter {
        let host = Self.limiterKey(vaultURL)
        if let existing = limiters.value(for: host) { return existing }
        let limiter = AdaptiveConcurrencyLimiter(ceiling: configuration.maxConcurrentRequests)
        limiters.insert(limiter, for: host)
        return limiter
    }

    /// The adaptive limit of a vault's requests now, or nil before the first request to it.
    public func currentRequestLimit(vaultURL: URL) async -> Int? {
        guard let limiter = limiters.peek(Self.limiterKey(vaultURL)) else { return nil }
        return await limiter.currentLimit
    }

    /// A vault's limiter key: its host and port.
    private static func limiterKey(_ vaultURL: URL) -> String {
        (vaultURL.host ?? "").lowercased() + ":" + String(vaultURL.port ?? 443)
    }

    private static func metricMode(_ mode: IdentitySelection.Mode) -> String {
        switch mode {
        case .managedIdentity: "managed_identity"
        case .workloadIdentity: "workload_identity"
        case .servicePrincipal: "service_principal"
        }
    }
}

/// A flag set from a cancellation handler and read by a blocking write on another thread.
final class CancellationFlag: Sendable {
    private let value = Mutex(false)
    /// Whether the flag was set.
    var isSet: Bool { value.withLock { $0 } }
    /// Sets the flag.
    func set() { value.withLock { $0 = true } }
}

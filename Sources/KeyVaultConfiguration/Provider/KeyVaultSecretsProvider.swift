import AzureCore
import Configuration
import CoreMetrics
import Foundation
import KeyVaultCore
import Logging
import ServiceLifecycle
import Synchronization

/// Key Vault secrets as a swift-configuration `ConfigProvider`, reloaded by a swift-service-lifecycle `Service`.
///
/// It loads every enabled secret of a vault (listed with paging) or a given set of names, maps each name to a
/// configuration key with a ``SecretKeyMapping`` (`database--password` becomes `database.password`), and marks
/// every value as secret, so swift-configuration's access log redacts it. Values convert to the type a reader asks
/// for (string, int, double, bool, base64 bytes, comma-separated arrays); a value that does not convert is an error
/// naming the key, never the value.
///
/// As a `Service`, ``run()`` polls every ``Options/reloadInterval``: one list call, then a get only for the secrets
/// whose `updated` time changed (or that appeared), and removal of the ones that went away or were disabled.
/// `watchValue` and `watchSnapshot` deliver each change once. A failed poll keeps the last good values, retries
/// with a doubling backoff, logs a warning, counts `keyvault_config_reload_failures_total`, and is readable in
/// ``status``. ``run()`` returns on graceful shutdown or cancellation.
///
/// ```swift
/// let secrets = try await KeyVaultSecretsProvider.loading(vaultURL: vaultURL, credential: credential)
/// let config = ConfigReader(providers: [EnvironmentVariablesProvider(), secrets])
/// let group = ServiceGroup(services: [secrets, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// ```
public final class KeyVaultSecretsProvider: ConfigProvider, Service, Sendable {
    /// One loaded secret.
    struct Entry: Sendable, Equatable {
        var name: String
        var key: AbsoluteConfigKey
        var value: String
        var updated: Date?
    }

    struct State {
        var entries: [String: Entry] = [:] {  // by lowercased secret name
            didSet { byKey = Dictionary(entries.values.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }) }
        }
        /// The same entries by configuration key, built once per load (lookups read it on every access).
        private(set) var byKey: [AbsoluteConfigKey: Entry] = [:]
        var status = ReloadStatus(failedPolls: 0, polls: 0, secretsFetched: 0)
        var valueWatchers: [AbsoluteConfigKey: [UUID: AsyncStream<Entry?>.Continuation]] = [:]
        var snapshotWatchers: [UUID: AsyncStream<Snapshot>.Continuation] = [:]
        var lastPollStarted: Date?

        var snapshot: Snapshot { Snapshot(entries: byKey) }
    }

    /// The values at one moment.
    struct Snapshot: ConfigSnapshot {
        var entries: [AbsoluteConfigKey: Entry]
        var providerName: String { KeyVaultSecretsProvider.name }

        func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
            try KeyVaultSecretsProvider.lookup(entries[key], key: key, type: type)
        }
    }

    static let name = "KeyVaultSecretsProvider"

    private let client: KeyVaultClient
    /// The options.
    public let options: Options
    private let state = Mutex(State())
    private let failures = Counter(label: "keyvault_config_reload_failures_total")

    /// Creates a provider with no values yet; call ``reload()`` (or use
    /// ``loading(vaultURL:credential:transport:clientOptions:options:)``) before reading.
    /// - Parameters:
    ///   - vaultURL: The vault URL (`https://<name>.vault.azure.net/`).
    ///   - credential: Any `TokenCredential` (workload identity, managed identity, client secret, certificate).
    ///   - transport: The transport (default `AsyncHTTPClientTransport.shared`).
    ///   - clientOptions: Key Vault client options.
    ///   - options: What to load and how to reload.
    /// - Throws: `KeyVaultError` for an unusable vault URL; ``KeyVaultConfigurationError`` for invalid options.
    public init(
        vaultURL: URL,
        credential: any TokenCredential,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clientOptions: KeyVaultClient.Options = .init(),
        options: Options = Options()
    ) throws {
        guard options.reloadInterval > .zero, options.maximumBackoff > .zero else {
            throw KeyVaultConfigurationError(code: .invalidOptions, message: "the reload interval and the maximum backoff must be positive")
        }
        if let names = options.secretNames, names.contains(where: \.isEmpty) {
            throw KeyVaultConfigurationError(code: .invalidOptions, message: "a secret name in secretNames is empty")
        }
        var options = options
        options.secretNames = options.secretNames.map { Set($0.map { $0.lowercased() }) }
        self.client = try KeyVaultClient(
            vaultURL: vaultURL, credential: credential, transport: transport, options: clientOptions, logger: options.logger)
        self.options = options
    }

    /// Creates a provider and loads it once: a vault that cannot be read fails the start, loudly.
    /// - Parameters:
    ///   - vaultURL: The vault URL.
    ///   - credential: Any `TokenCredential`.
    ///   - transport: The transport (default `AsyncHTTPClientTransport.shared`).
    ///   - clientOptions: Key Vault client options.
    ///   - options: What to load and how to reload.
    /// - Returns: The loaded provider.
    /// - Throws: What ``init(vaultURL:credential:transport:clientOptions:options:)`` or ``reload()`` throws.
    public static func loading(
        vaultURL: URL,
        credential: any TokenCredential,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clientOptions: KeyVaultClient.Options = .init(),
        options: Options = Options()
    ) async throws -> KeyVaultSecretsProvider {
        let provider = try KeyVaultSecretsProvider(
            vaultURL: vaultURL, credential: credential, transport: transport, clientOptions: clientOptions, options: options)
        try await provider.reload()
        return provider
    }

    /// The outcome of the polls so far.
    public var status: ReloadStatus { state.withLock { $0.status } }

    // MARK: - Loading

    /// Polls the vault once: lists the secrets, gets the new and changed ones, drops the removed and disabled ones,
    /// and notifies the watchers of the keys that changed. On failure nothing changes and the error is recorded.
    /// - Throws: `KeyVaultError`, `IdentityError`, `AzureCoreError` from Key Vault; `CancellationError`.
    public func reload() async throws {
        let started = Date()
        let (known, previousPoll) = state.withLock { state in
            state.status.polls += 1
            return (state.entries, state.lastPollStarted)
        }
        do {
            var next: [String: Entry] = [:]
            var fetched = 0
            for item in try await client.listSecrets() where item.attributes?.enabled ?? true {
                guard let name = item.name else { continue }
                let id = name.lowercased()
                if let names = options.secretNames, !names.contains(id) { continue }
                guard let key = options.keyMapping.key(for: name) else { continue }
                let updated = item.attributes?.updated
                // Key Vault's times are whole seconds: a secret updated in the second the previous poll started (or
                // the one before, for clock skew) may have changed after that poll read it, so it is read again.
                let recent = updated.map { date in
                    previousPoll.map { date >= Date(timeIntervalSince1970: ($0.timeIntervalSince1970).rounded(.down) - 1) } ?? true
                } ?? true
                if let old = known[id], old.updated == updated, old.key == key, !recent {
                    next[id] = old
                    continue
                }
                let bundle = try await client.getSecret(name: name)
                fetched += 1
                next[id] = Entry(name: name, key: key, value: bundle.value ?? "", updated: updated)
            }
            apply(next, fetched: fetched, started: started)
        } catch {
            state.withLock { state in
                state.status.failedPolls += 1
                state.status.lastError = error
                state.status.lastErrorTime = .now
            }
            if !(error is CancellationError) {
                failures.increment()
                options.logger.warning(
                    "Key Vault configuration reload failed; the last good values stay in use",
                    metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    private func apply(_ next: [String: Entry], fetched: Int, started: Date) {
        var valueNotifications: [(AsyncStream<Entry?>.Continuation, Entry?)] = []
        var snapshotNotifications: [AsyncStream<Snapshot>.Continuation] = []
        var snapshot: Snapshot?
        state.withLock { state in
            let before = state.snapshot.entries
            state.entries = next
            state.lastPollStarted = started
            state.status.lastSuccess = .now
            state.status.lastError = nil
            state.status.lastErrorTime = nil
            state.status.secretsFetched += fetched
            let after = state.snapshot.entries
            let changedKeys = Set(before.keys).union(after.keys).filter { before[$0]?.value != after[$0]?.value }
            for key in changedKeys {
                for continuation in state.valueWatchers[key, default: [:]].values {
                    valueNotifications.append((continuation, after[key]))
                }
            }
            if !changedKeys.isEmpty {
                snapshotNotifications = Array(state.snapshotWatchers.values)
                snapshot = state.snapshot
            }
        }
        for (continuation, entry) in valueNotifications { continuation.yield(entry) }
        if let snapshot { for continuation in snapshotNotifications { continuation.yield(snapshot) } }
        options.logger.debug("Key Vault configuration loaded", metadata: ["secrets": "\(next.count)", "fetched": "\(fetched)"])
    }

    // MARK: - Service

    /// Polls every ``Options/reloadInterval`` until graceful shutdown or cancellation; after a failure it retries
    /// sooner (a tenth of the interval, doubling up to ``Options/maximumBackoff``), keeping the last good values.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var consecutiveFailures = 0
                while true {
                    let wait: Duration
                    if consecutiveFailures == 0 {
                        wait = self.options.reloadInterval
                    } else {
                        let base = self.options.reloadInterval / 10
                        wait = min(base * (1 << min(consecutiveFailures - 1, 16)), self.options.maximumBackoff)
                    }
                    try await Task.sleep(for: wait)
                    do {
                        try await self.reload()
                        consecutiveFailures = 0
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        consecutiveFailures += 1
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }

    // MARK: - ConfigProvider

    /// `KeyVaultSecretsProvider`.
    public var providerName: String { Self.name }

    /// The value of a key, converted to the type asked for and marked secret.
    /// - Parameters:
    ///   - key: The key.
    ///   - type: The type.
    /// - Returns: The value, or a result without value when no secret maps to the key.
    /// - Throws: ``KeyVaultConfigurationError`` when the value does not convert.
    public func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        let entry = state.withLock { $0.byKey[key] }
        return try Self.lookup(entry, key: key, type: type)
    }

    /// The value as last loaded (this provider serves from memory; ``reload()`` and ``run()`` refresh it).
    /// - Parameters:
    ///   - key: The key.
    ///   - type: The type.
    /// - Returns: The value.
    /// - Throws: ``KeyVaultConfigurationError`` when the value does not convert.
    public func fetchValue(forKey key: AbsoluteConfigKey, type: ConfigType) async throws -> LookupResult {
        try value(forKey: key, type: type)
    }

    /// Delivers the current value, then each change of it.
    /// - Parameters:
    ///   - key: The key.
    ///   - type: The type.
    ///   - updatesHandler: Gets the sequence of values (or conversion errors).
    /// - Returns: What the handler returns.
    /// - Throws: What the handler throws.
    public nonisolated(nonsending) func watchValue<Return: ~Copyable>(
        forKey key: AbsoluteConfigKey,
        type: ConfigType,
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<Result<LookupResult, any Error>, Never>) async throws -> Return
    ) async throws -> Return {
        let (stream, continuation) = AsyncStream<Entry?>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { state in
            state.valueWatchers[key, default: [:]][id] = continuation
            continuation.yield(state.byKey[key])
        }
        defer { state.withLock { state in state.valueWatchers[key]?[id] = nil } }
        return try await updatesHandler(ConfigUpdatesAsyncSequence(stream.map { entry in
            Result { try Self.lookup(entry, key: key, type: type) }
        }))
    }

    /// The values now.
    /// - Returns: A snapshot.
    public func snapshot() -> any ConfigSnapshot { state.withLock { $0.snapshot } }

    /// Delivers the current snapshot, then one after each load that changed a value.
    /// - Parameter updatesHandler: Gets the sequence of snapshots.
    /// - Returns: What the handler returns.
    /// - Throws: What the handler throws.
    public nonisolated(nonsending) func watchSnapshot<Return: ~Copyable>(
        updatesHandler: nonisolated(nonsending) (_ updates: ConfigUpdatesAsyncSequence<any ConfigSnapshot, Never>) async throws -> Return
    ) async throws -> Return {
        let (stream, continuation) = AsyncStream<Snapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { state in
            state.snapshotWatchers[id] = continuation
            continuation.yield(state.snapshot)
        }
        defer { state.withLock { state in state.snapshotWatchers[id] = nil } }
        return try await updatesHandler(ConfigUpdatesAsyncSequence(stream.map { $0 as any ConfigSnapshot }))
    }

    static func lookup(_ entry: Entry?, key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        guard let entry else { return LookupResult(encodedKey: key.description, value: nil) }
        let content = try SecretValueParser.content(of: entry.value, as: type, key: key, secretName: entry.name)
        return LookupResult(encodedKey: key.description, value: ConfigValue(content, isSecret: true))
    }
}

extension KeyVaultSecretsProvider: CustomStringConvertible {
    /// The provider's name and how many secrets it holds; never a value.
    public var description: String { "KeyVaultSecretsProvider(\(state.withLock { $0.entries.count }) secrets)" }
}

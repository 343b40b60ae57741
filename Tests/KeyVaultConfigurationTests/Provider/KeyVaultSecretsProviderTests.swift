import AzureCore
import AzureCoreTesting
import Configuration
import Foundation
import IdentityProviders
import KeyVaultConfiguration
import KeyVaultCore
import KeyVaultTesting
import Logging
import ServiceLifecycle
import Testing

/// The provider against the emulators: paging, reloads that fetch only what changed (counted at the emulator),
/// failed polls, watchers, shutdown, and logs without values.
@Suite struct KeyVaultSecretsProviderTests {
    typealias Sample = AzureEmulatorSeed.Sample

    /// The sample seed plus `count` secrets `app--setting-<n>` in the sample vault.
    static func seed(settings count: Int) -> AzureEmulatorSeed {
        var seed = AzureEmulatorSeed.sample
        let index = seed.vaults.firstIndex { $0.name == Sample.vaultName }!
        seed.vaults[index].secrets = (seed.vaults[index].secrets ?? [])
            + (0..<count).map { AzureEmulatorSeed.Secret(name: "app--setting-\($0)", value: "value-\($0)") }
        return seed
    }

    /// Runs `body` with the emulators and a provider reading the sample vault as the sample service principal.
    static func with(
        settings count: Int = 3, seed custom: AzureEmulatorSeed? = nil, options: KeyVaultSecretsProvider.Options = .init(),
        _ body: (AzureEmulators, KeyVaultSecretsProvider) async throws -> Void
    ) async throws {
        try await AzureEmulators.withRunning(seed: custom ?? seed(settings: count)) { emulators in
            let settings = try emulators.keyVaultClientSettings(vault: Sample.vaultName)
            try await AsyncHTTPClientTransport.withTransport(configuration: settings.transportConfiguration) { transport in
                let credential = try ClientSecretCredential(
                    tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID,
                    secret: SecretString(Sample.servicePrincipal.secret ?? ""),
                    options: CredentialOptions(transport: transport, authorityHost: settings.authorityHost))
                var clientOptions = settings.options
                clientOptions.retryPolicy = nil
                let provider = try KeyVaultSecretsProvider(
                    vaultURL: settings.vaultURL, credential: credential, transport: transport,
                    clientOptions: clientOptions, options: options)
                try await body(emulators, provider)
            }
        }
    }

    static func requests(_ emulators: AzureEmulators) async -> (lists: Int, gets: Int) {
        let counters = await emulators.keyVault.counters(vault: Sample.vaultName)
        var lists = 0, gets = 0
        for (path, count) in counters.byPath where path.hasPrefix("/secrets") {
            if path == "/secrets" || path == "/secrets/" { lists += count } else { gets += count }
        }
        return (lists, gets)
    }

    @Test func loadsEverySecretAcrossPages() async throws {
        try await Self.with(settings: 120) { emulators, provider in
            try await provider.reload()
            let config = ConfigReader(provider: provider)
            for n in [0, 24, 25, 60, 119] {
                #expect(config.string(forKey: ConfigKey("app.setting-\(n)")) == "value-\(n)")
            }
            #expect(config.string(forKey: "examplesecret") == "MyAKSExampleSecret")
            // Every secret of the vault (the sample's and the 120), 25 per page: each page one answered list call.
            let secrets = Self.seed(settings: 120).vaults.first { $0.name == Sample.vaultName }?.secrets ?? []
            let vaultSecrets = Set(secrets.map { $0.name.lowercased() }).count
                + (Self.seed(settings: 120).vaults.first { $0.name == Sample.vaultName }?.certificates?.count ?? 0)
            let counters = await emulators.keyVault.counters(vault: Sample.vaultName)
            #expect(counters.byStatusAndPath["200 /secrets"] == (vaultSecrets + 24) / 25, "\(counters.byStatusAndPath)")
            #expect(vaultSecrets > 120)
            let (_, gets) = await Self.requests(emulators)
            #expect(gets >= 120)
            #expect(provider.status.polls == 1 && provider.status.failedPolls == 0)
        }
    }

    @Test func onlyGivenNamesAreLoaded() async throws {
        try await Self.with(options: .init(secretNames: ["App--Setting-1"])) { _, provider in
            try await provider.reload()
            let config = ConfigReader(provider: provider)
            #expect(config.string(forKey: "app.setting-1") == "value-1")
            #expect(config.string(forKey: "app.setting-2") == nil)
            #expect(config.string(forKey: "examplesecret") == nil)
        }
    }

    @Test func aReloadFetchesOnlyWhatChanged() async throws {
        try await Self.with { emulators, provider in
            try await Task.sleep(for: .seconds(2.1))  // Key Vault times are whole seconds: leave the seeding second
            try await provider.reload()
            try await Task.sleep(for: .seconds(2.1))
            await emulators.keyVault.resetCounters(vault: Sample.vaultName)
            _ = try await emulators.keyVault.setSecret(vault: Sample.vaultName, name: "app--setting-1", value: "changed")
            try await provider.reload()
            let (lists, gets) = await Self.requests(emulators)
            #expect(lists == 1 && gets == 1, "one list and one get after one secret changed: \(lists) lists, \(gets) gets")
            #expect(ConfigReader(provider: provider).string(forKey: "app.setting-1") == "changed")
            try await emulators.keyVault.disable(vault: Sample.vaultName, secret: "app--setting-2")
            try await Task.sleep(for: .seconds(2.1))
            try await provider.reload()
            #expect(ConfigReader(provider: provider).string(forKey: "app.setting-2") == nil, "a disabled secret goes away")
        }
    }

    @Test func aFailedPollKeepsTheLastGoodValuesAndIsVisible() async throws {
        try await Self.with { emulators, provider in
            try await provider.reload()
            await emulators.keyVault.faultInjector.setPersistentFault(.status(503), pathPrefix: "/secrets")
            await #expect(throws: KeyVaultError.self) { try await provider.reload() }
            #expect(ConfigReader(provider: provider).string(forKey: "app.setting-0") == "value-0", "the old snapshot stays")
            let failed = provider.status
            #expect(failed.failedPolls == 1 && failed.lastError is KeyVaultError && failed.lastErrorTime != nil)
            await emulators.keyVault.faultInjector.setPersistentFault(nil, pathPrefix: "/secrets")
            try await provider.reload()
            #expect(provider.status.lastError == nil && provider.status.lastSuccess != nil)
        }
    }

    @Test func watchersSeeEachChangeOnce() async throws {
        try await Self.with { emulators, provider in
            try await provider.reload()
            let seen = try await withThrowingTaskGroup(of: [String?].self) { group in
                group.addTask {
                    try await provider.watchValue(forKey: AbsoluteConfigKey(["app", "setting-0"]), type: .string) { updates in
                        var values: [String?] = []
                        for await update in updates {
                            let result = try update.get()
                            if case .string(let text)? = result.value?.content { values.append(text) } else { values.append(nil) }
                            if values.count == 3 { break }
                        }
                        return values
                    }
                }
                try await Task.sleep(for: .seconds(2.1))
                _ = try await emulators.keyVault.setSecret(vault: Sample.vaultName, name: "app--setting-0", value: "second")
                try await provider.reload()
                try await provider.reload()  // nothing changed: no delivery
                try await Task.sleep(for: .seconds(1.1))
                _ = try await emulators.keyVault.setSecret(vault: Sample.vaultName, name: "app--setting-0", value: "third")
                try await provider.reload()
                let values = try await group.next() ?? []
                group.cancelAll()
                return values
            }
            #expect(seen == ["value-0", "second", "third"])
        }
    }

    @Test func runReturnsOnGracefulShutdown() async throws {
        try await Self.with(options: .init(reloadInterval: .milliseconds(200))) { _, provider in
            try await provider.reload()
            let group = ServiceGroup(configuration: .init(services: [provider], logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(700))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(provider.status.polls >= 2, "it polled while running: \(provider.status.polls)")
        }
    }

    @Test func traceLogsHoldNoValue() async throws {
        let capture = LogCapture()
        try await Self.with(options: .init(logger: capture.logger(level: .trace))) { emulators, provider in
            try await provider.reload()
            await emulators.keyVault.faultInjector.setPersistentFault(.status(500), pathPrefix: "/secrets")
            _ = try? await provider.reload()
            // swift-configuration's access log, at trace level, sees the values as secret and redacts them.
            let config = ConfigReader(provider: provider, accessReporter: AccessLogger(logger: capture.logger(level: .trace), level: .trace))
            #expect(config.string(forKey: "app.setting-1") == "value-1")
        }
        #expect(!capture.records.isEmpty, "there was something to scan")
        for record in capture.records {
            #expect(!record.message.contains("value-") && !record.message.contains("MyAKSExampleSecret"), "\(record.message)")
            for (_, value) in record.metadata { #expect(!value.contains("value-") && !value.contains("MyAKSExampleSecret")) }
        }
    }
}

extension KeyVaultSecretsProviderTests {
    @Test func runRetriesFailedPollsSoonerAndReturnsWhenCancelled() async throws {
        try await Self.with(options: .init(reloadInterval: .seconds(4), maximumBackoff: .milliseconds(100))) { emulators, provider in
            try await provider.reload()
            await emulators.keyVault.faultInjector.setPersistentFault(.status(503), pathPrefix: "/secrets")
            let started = ContinuousClock.now
            let running = Task { try await provider.run() }
            // One interval (4 s), then retries every 100 ms instead of every 4 s: three failed polls take about
            // 4.2 s with the backoff and 12 s without it. Waiting for the count (not a fixed sleep) keeps a loaded
            // machine from failing the test; the bound keeps it able to fail.
            while provider.status.failedPolls < 3, ContinuousClock.now - started < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = ContinuousClock.now - started
            #expect(provider.status.failedPolls >= 3)
            #expect(elapsed < .seconds(9), "after the first failure the retries come sooner than the interval: \(elapsed)")
            #expect(ConfigReader(provider: provider).string(forKey: "app.setting-0") == "value-0")
            await emulators.keyVault.faultInjector.setPersistentFault(nil, pathPrefix: "/secrets")
            let healed = ContinuousClock.now
            while provider.status.lastError != nil, ContinuousClock.now - healed < .seconds(10) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(provider.status.lastError == nil, "a good poll recovered")
            #expect(ContinuousClock.now - healed < .seconds(3), "the next retry, not the next interval (4 s), recovered")
            running.cancel()
            try await running.value  // returns, without throwing, when cancelled
        }
    }
}

import AzureCore
import Configuration
import ConfigServiceApp
import Foundation
import HTTPTypes
import HummingbirdTesting
import KeyVaultConfiguration
import KeyVaultTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// The `config-service` example: environment variables and Key Vault through one `ConfigReader`, the reload
/// service running in a `ServiceGroup`, and `GET /settings` showing presence, never values.
@Suite struct ConfigServiceTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func settingsArePresentAndAChangedSecretArrivesWithinOneReloadInterval() async throws {
        var seed = AzureEmulatorSeed.sample
        let index = seed.vaults.firstIndex { $0.name == Sample.vaultName }!
        seed.vaults[index].secrets = (seed.vaults[index].secrets ?? []) + [
            .init(name: "database--password", value: "first-password"), .init(name: "api--token", value: "token-1"),
        ]
        let interval = Duration.milliseconds(1500)
        // The time one reload takes; under a sanitizer (Scripts/sanitizers.sh) the emulators and the client run
        // several times slower, which this would otherwise measure.
        let reloadWork: Duration = ProcessInfo.processInfo.environment["AKV_SANITIZER"] == nil ? .milliseconds(900) : .seconds(4)
        try await KeyVaultSecretsProviderTests.with(seed: seed, options: .init(reloadInterval: interval)) { emulators, secrets in
            try await secrets.reload()
            let config = ConfigReader(providers: [
                InMemoryProvider(values: ["database.host": "db.internal"]),  // stands in for the environment
                secrets,
            ])
            let quiet = Logger(label: "config-service", factory: { _ in SwiftLogNoOpLogHandler() })
            let app = ConfigService.application(config: config, secrets: secrets, port: 0, logger: quiet)
            try await app.test(.router) { client in
                try await client.execute(uri: "/settings", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = String(buffer: response.body)
                    #expect(body.contains(#""database.password":true"#) && body.contains(#""database.host":true"#))
                    #expect(body.contains(#""http.port":false"#))
                    #expect(!body.contains("first-password") && !body.contains("token-1") && !body.contains("db.internal"))
                }
            }
            // The reload service runs in a group; a changed secret is served within one reload interval.
            let group = ServiceGroup(configuration: .init(services: [secrets], logger: quiet))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .seconds(1.1))  // Key Vault times are whole seconds
                _ = try await emulators.keyVault.setSecret(vault: Sample.vaultName, name: "database--password", value: "second-password")
                let changed = ContinuousClock.now
                while config.string(forKey: "database.password", isSecret: true) != "second-password",
                      ContinuousClock.now - changed < interval * 3 + reloadWork {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(config.string(forKey: "database.password", isSecret: true) == "second-password")
                #expect(ContinuousClock.now - changed <= interval + reloadWork, "within one reload interval")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

// Key Vault inside a Swift service: one ConfigReader over environment variables, the files that the CSI driver or
// akv-mount projected, and Key Vault itself; the provider is also the Service that reloads it.
import AzureCore
import Configuration
import Foundation
import IdentityProviders
import KeyVaultConfiguration
import KeyVaultTesting
import SystemPackage

typealias Sample = AzureEmulatorSeed.Sample

try await AzureEmulators.withRunning(seed: .sample) { emulators in
    let settings = try emulators.keyVaultClientSettings(vault: Sample.vaultName)
    try await AsyncHTTPClientTransport.withTransport(configuration: settings.transportConfiguration) { transport in
        let credential = try ClientSecretCredential(
            tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID,
            secret: SecretString(Sample.servicePrincipal.secret ?? ""),
            options: CredentialOptions(transport: transport, authorityHost: settings.authorityHost)
        )
        // On Azure: KeyVaultSecretsProvider.loading(vaultURL: url, credential: DefaultAzureCredential.chain(...)).
        let secrets = try await KeyVaultSecretsProvider.loading(
            vaultURL: settings.vaultURL, credential: credential, transport: transport, clientOptions: settings.options,
            options: .init(reloadInterval: .seconds(60))
        )
        // A directory projected by a mount: one file per setting (`database-host` is `database.host`).
        let mounted = FileManager.default.temporaryDirectory.appendingPathComponent("mounted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mounted, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: mounted) }
        try Data("db.internal".utf8).write(to: mounted.appendingPathComponent("database-host"))

        let config = ConfigReader(providers: [
            EnvironmentVariablesProvider(),
            try await DirectoryFilesProvider(directoryPath: FilePath(mounted.path)),
            secrets,
        ])
        print("database.host = \(config.string(forKey: "database.host") ?? "-")")
        // Key Vault values are secret: swift-configuration's access log redacts them.
        print("examplesecret is set: \(config.string(forKey: "examplesecret", isSecret: true) != nil)")
        // In a service, run the reload loop beside the server:
        // ServiceGroup(services: [secrets, server], gracefulShutdownSignals: [.sigterm], logger: logger)
    }
}

// config-service: a Hummingbird service whose settings come from environment variables and Key Vault.
//
//   KEY_VAULT_URL=https://<name>.vault.azure.net/ swift run config-service
//
// The credential is the default chain (environment service principal, workload identity, managed identity). The Key
// Vault secrets `database--password` and `api--token` become `database.password` and `api.token`; environment
// variables (`DATABASE_HOST`, `HTTP_PORT`) come first.
import Configuration
import ConfigServiceApp
import Foundation
import IdentityProviders
import KeyVaultConfiguration
import Logging
import ServiceLifecycle
import UnixSignals

let environment = ProcessInfo.processInfo.environment
guard let vaultURL = environment["KEY_VAULT_URL"].flatMap(URL.init(string:)) else {
    print("usage: KEY_VAULT_URL=https://<name>.vault.azure.net/ config-service")
    exit(2)
}
let logger = Logger(label: "config-service")
let secrets = try await KeyVaultSecretsProvider.loading(
    vaultURL: vaultURL, credential: DefaultAzureCredential.chain(environment: environment),
    options: .init(reloadInterval: .seconds(60), logger: logger))
let config = ConfigReader(providers: [EnvironmentVariablesProvider(), secrets])
let app = ConfigService.application(config: config, secrets: secrets, port: config.int(forKey: "http.port", default: 8080), logger: logger)
let group = ServiceGroup(services: [secrets, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
try await group.run()

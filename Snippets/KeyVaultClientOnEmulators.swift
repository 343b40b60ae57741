// The same client against the built-in emulators: no Azure account and no network beyond loopback.
import AzureCore
import IdentityProviders
import KeyVaultCore
import KeyVaultTesting

typealias Sample = AzureEmulatorSeed.Sample

// The emulators (Entra ID, IMDS, OIDC issuer, Key Vault) run for the closure and are always stopped afterwards.
try await AzureEmulators.withRunning(seed: .sample) { emulators in
    // The vault URL, a transport configuration that trusts the emulators' test CA, and client options.
    let settings = try emulators.keyVaultClientSettings(vault: Sample.vaultName)
    // An owned transport must be shut down: withTransport does it.
    try await AsyncHTTPClientTransport.withTransport(configuration: settings.transportConfiguration) { transport in
        let credential = try ClientSecretCredential(
            tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID,
            secret: SecretString(Sample.servicePrincipal.secret ?? ""),
            options: CredentialOptions(transport: transport, authorityHost: settings.authorityHost)
        )
        let client = try KeyVaultClient(
            vaultURL: settings.vaultURL, credential: credential, transport: transport, options: settings.options
        )
        let secret = try await client.getSecret(name: "ExampleSecret")
        print("ExampleSecret = \(secret.value ?? "")")  // a sample value, not a real secret
        do {
            _ = try await client.getSecret(name: "no-such-secret")
        } catch let error as KeyVaultError where error.code == .notFound {
            print("no-such-secret: not found (HTTP \(error.statusCode ?? 0))")
        }
    }
}

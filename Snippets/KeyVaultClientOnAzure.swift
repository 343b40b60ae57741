// A credential and a Key Vault client against Azure: the core use of the libraries.
//
//   KEY_VAULT_URL=https://<name>.vault.azure.net/ swift run KeyVaultClientOnAzure db-password
//
// On AKS with workload identity the pod's environment has AZURE_CLIENT_ID, AZURE_TENANT_ID and
// AZURE_FEDERATED_TOKEN_FILE; with a service principal, AZURE_CLIENT_SECRET; on a VM or node pool, a managed
// identity answers over IMDS.
import Foundation
import IdentityProviders
import KeyVaultCore

let environment = ProcessInfo.processInfo.environment
guard let vaultURL = environment["KEY_VAULT_URL"].flatMap(URL.init(string:)), CommandLine.arguments.count == 2 else {
    print("usage: KEY_VAULT_URL=https://<name>.vault.azure.net/ KeyVaultClientOnAzure <secret-name>")
    exit(2)
}

// Environment service principal, then workload identity, then managed identity, as the Azure SDKs do.
let credential = DefaultAzureCredential.chain(environment: environment)
// Transport and logger default to AsyncHTTPClientTransport.shared and no logging (swift-log is the logging API).
let client = try KeyVaultClient(vaultURL: vaultURL, credential: credential)
do {
    let secret = try await client.getSecret(name: CommandLine.arguments[1])
    // Never print a secret's value.
    print("version \(secret.version ?? "?"), \(secret.value?.utf8.count ?? 0) bytes")
} catch let error as KeyVaultError {
    // Typed errors: a 403 is not a 404 is not a timeout, without parsing text.
    switch error.code {
    case .forbidden: print("the identity may not read it: \(error)")
    case .notFound: print("no such secret: \(error)")
    default: print(error)
    }
    exit(1)
} catch let error as IdentityError {
    print("no token: \(error)")
    exit(1)
}

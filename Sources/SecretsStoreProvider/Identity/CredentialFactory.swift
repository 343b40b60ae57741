import AzureCore
import Foundation
import IdentityProviders

/// Builds the ``AzureCore/TokenCredential`` of an ``IdentitySelection`` from `IdentityProviders`, with the
/// provider's transport, authority host, IMDS endpoint and shared token cache.
enum CredentialFactory {
    static func make(
        for identity: IdentitySelection,
        cloud: AzureCloud,
        configuration: ProviderConfiguration,
        cache: TokenCache
    ) throws(SecretsStoreProviderError) -> SecretsStoreProvider.CredentialEntry {
        let transport = configuration.transport ?? AsyncHTTPClientTransport.shared
        let options = CredentialOptions(
            transport: transport,
            cache: cache,
            logger: configuration.logger,
            authorityHost: configuration.authorityHost ?? cloud.authorityHost
        )
        do {
            switch identity.mode {
            case .managedIdentity:
                let id: ManagedIdentityID = identity.clientID.map { .clientID($0) } ?? .systemAssigned
                // Real IMDS is plain HTTP on a link-local address: the credential's own transport allows that. An
                // HTTPS endpoint (an emulator, a proxy) goes through the configured transport and its trust roots.
                let endpoint = configuration.imdsEndpoint
                let imdsTransport: (any HTTPTransport)? = endpoint?.scheme?.lowercased() == "https" ? transport : nil
                let credential = try ManagedIdentityCredential(
                    identity: id, endpoint: endpoint, environment: configuration.environment,
                    transport: imdsTransport, options: options
                )
                return .init(credential: credential, assertion: nil)
            case .workloadIdentity:
                let box = ServiceAccountTokenBox(identity.serviceAccountToken ?? "")
                let credential = try WorkloadIdentityCredential(
                    tenantID: identity.tenantID, clientID: identity.clientID ?? "",
                    tokenSource: .closure { box.current }, options: options
                )
                return .init(credential: credential, assertion: box)
            case .servicePrincipal:
                let credential = try ClientSecretCredential(
                    tenantID: identity.tenantID, clientID: identity.clientID ?? "",
                    secret: SecretString(identity.clientSecret ?? ""), options: options
                )
                return .init(credential: credential, assertion: nil)
            }
        } catch {
            throw SecretsStoreProviderError(
                .invalidIdentity, "failed to get credentials for \(identity): \(error)"
            )
        }
    }
}

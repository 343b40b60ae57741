import AzureCore
import Foundation
import IdentityProviders

/// Builds the `TokenCredential` of an ``IdentitySelection`` from `IdentityProviders`, with the
/// provider's transport, authority host and IMDS endpoint. Each credential has its own token cache, so a token is
/// only ever served to callers presenting the proof (secret, service-account token) that earned it.
enum CredentialFactory {
    static func make(
        for identity: IdentitySelection,
        cloud: AzureCloud,
        configuration: ProviderConfiguration
    ) throws(SecretsStoreProviderError) -> any TokenCredential {
        let transport = configuration.transport ?? AsyncHTTPClientTransport.shared
        let options = CredentialOptions(
            transport: transport,
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
                return credential
            case .workloadIdentity:
                let token = identity.serviceAccountToken ?? ""
                return try WorkloadIdentityCredential(
                    tenantID: identity.tenantID, clientID: identity.clientID ?? "",
                    tokenSource: .closure { token }, options: options
                )
            case .servicePrincipal:
                return try ClientSecretCredential(
                    tenantID: identity.tenantID, clientID: identity.clientID ?? "",
                    secret: SecretString(identity.clientSecret ?? ""), options: options
                )
            }
        } catch {
            throw SecretsStoreProviderError(
                .invalidIdentity, "failed to get credentials for \(identity): \(error)", underlying: error
            )
        }
    }
}

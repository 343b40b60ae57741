import AzureCore
import Foundation

/// The default chain for workloads: environment service principal, workload identity, managed identity.
public enum DefaultAzureCredential {
    /// Builds the default chain from an environment.
    ///
    /// 1. Environment service principal: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (or
    ///    `AZURE_CLIENT_CERTIFICATE_PATH`, a PEM file).
    /// 2. Workload identity: `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE`
    ///    (`AZURE_AUTHORITY_HOST`).
    /// 3. Managed identity over IMDS (user-assigned by `AZURE_CLIENT_ID` when set).
    ///
    /// A link whose configuration is missing stays in the chain as an ``UnavailableCredential`` so the final error
    /// explains why it was skipped.
    /// - Parameters:
    ///   - environment: Environment variables.
    ///   - options: Shared options (authority host replaced by `AZURE_AUTHORITY_HOST` when set).
    ///   - managedIdentityEndpoint: Explicit IMDS endpoint.
    ///   - imdsRetryPolicy: IMDS retry rules.
    ///   - imdsTransport: Transport for IMDS (see ``ManagedIdentityCredential``).
    /// - Returns: The chain.
    public static func chain(
        environment: [String: String],
        options: CredentialOptions = CredentialOptions(),
        managedIdentityEndpoint: URL? = nil,
        imdsRetryPolicy: IMDSRetryPolicy = .default,
        imdsTransport: (any HTTPTransport)? = nil
    ) -> ChainedTokenCredential {
        var options = options
        var links: [ChainedTokenCredential.Link] = []
        var authorityProblem: String?
        if let host = environment["AZURE_AUTHORITY_HOST"], !host.isEmpty {
            do {
                options.authorityHost = try AuthorityValidation.normalizeAuthority(host, credential: "DefaultAzureCredential")
            } catch {
                authorityProblem = "AZURE_AUTHORITY_HOST is not a valid https URL"
            }
        }
        let tenant = environment["AZURE_TENANT_ID"] ?? ""
        let client = environment["AZURE_CLIENT_ID"] ?? ""
        let secret = environment["AZURE_CLIENT_SECRET"] ?? ""
        let certificatePath = environment["AZURE_CLIENT_CERTIFICATE_PATH"] ?? ""
        links.append(ChainedTokenCredential.Link(name: "EnvironmentCredential", credential: {
            if let authorityProblem { return UnavailableCredential(credential: "EnvironmentCredential", reason: authorityProblem) }
            guard !tenant.isEmpty, !client.isEmpty, !secret.isEmpty || !certificatePath.isEmpty else {
                return UnavailableCredential(
                    credential: "EnvironmentCredential",
                    reason: "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH are not all set"
                )
            }
            do {
                if !secret.isEmpty {
                    return try ClientSecretCredential(tenantID: tenant, clientID: client, secret: SecretString(secret), options: options)
                }
                return try ClientCertificateCredential(tenantID: tenant, clientID: client, certificate: try ClientCertificate.load(pemFile: certificatePath), options: options)
            } catch let error as IdentityError {
                return UnavailableCredential(credential: "EnvironmentCredential", reason: error.message)
            } catch {
                return UnavailableCredential(credential: "EnvironmentCredential", reason: "invalid configuration")
            }
        }()))
        links.append(ChainedTokenCredential.Link(name: "WorkloadIdentityCredential", credential: {
            if let authorityProblem { return UnavailableCredential(credential: "WorkloadIdentityCredential", reason: authorityProblem) }
            do {
                return try WorkloadIdentityCredential.fromEnvironment(environment, options: options)
            } catch let error as IdentityError {
                return UnavailableCredential(credential: "WorkloadIdentityCredential", reason: error.message)
            } catch {
                return UnavailableCredential(credential: "WorkloadIdentityCredential", reason: "invalid configuration")
            }
        }()))
        links.append(ChainedTokenCredential.Link(name: "ManagedIdentityCredential", credential: {
            do {
                return try ManagedIdentityCredential(
                    identity: client.isEmpty ? .systemAssigned : .clientID(client),
                    endpoint: managedIdentityEndpoint,
                    environment: environment,
                    retryPolicy: imdsRetryPolicy,
                    transport: imdsTransport,
                    options: options
                )
            } catch let error as IdentityError {
                return UnavailableCredential(credential: "ManagedIdentityCredential", reason: error.message)
            } catch {
                return UnavailableCredential(credential: "ManagedIdentityCredential", reason: "invalid configuration")
            }
        }()))
        return ChainedTokenCredential(links: links, logger: options.logger)
    }
}

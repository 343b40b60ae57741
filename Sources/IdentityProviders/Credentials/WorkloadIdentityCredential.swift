import AzureCore
import Foundation
import Logging

/// Microsoft Entra Workload ID: exchanges a Kubernetes service-account token (the federated assertion) for an
/// access token with the client-credentials grant.
///
/// The token comes from ``FederatedTokenSource``: the projected file `AZURE_FEDERATED_TOKEN_FILE` (re-read at least
/// every 10 minutes and after every rejection), a closure, or the CSI driver's `serviceAccount.tokens` JSON.
public struct WorkloadIdentityCredential: TokenCredential {
    static let name = "WorkloadIdentityCredential"

    /// The tenant ID.
    public let tenantID: String
    /// The application (client) ID, or a user-assigned identity's client ID.
    public let clientID: String
    private let source: FederatedTokenSource
    private let options: CredentialOptions
    private let client: EntraTokenClient
    private let cache: TokenCache
    /// What the cache key knows of the proof: the token file's path, a tag of the CSI attribute, or, for a
    /// closure, this credential instance. Another source for the same client never gets a token earned by this one,
    /// even through a shared ``TokenCache``.
    private let proofID: String

    /// Creates the credential.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The client ID with the federated credential.
    ///   - tokenSource: Where the service-account token comes from.
    ///   - options: Transport, authority host, cache, clock, logger.
    /// - Throws: ``IdentityError`` `invalidConfiguration`.
    public init(tenantID: String, clientID: String, tokenSource: FederatedTokenSource, options: CredentialOptions = CredentialOptions()) throws {
        try AuthorityValidation.validateTenant(tenantID, credential: Self.name)
        guard !clientID.isEmpty else {
            throw IdentityError(code: .invalidConfiguration, credential: Self.name, message: "the client ID must not be empty")
        }
        self.tenantID = tenantID
        self.clientID = clientID
        self.source = tokenSource
        self.options = options
        self.client = EntraTokenClient(credential: Self.name, options: options)
        self.cache = options.resolvedCache()
        self.proofID = tokenSource.cacheIdentity
    }

    /// Creates the credential from the variables the workload identity webhook injects: `AZURE_CLIENT_ID`,
    /// `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE` and `AZURE_AUTHORITY_HOST` (trailing slash removed).
    /// - Parameters:
    ///   - environment: The environment (inject `ProcessInfo.processInfo.environment`).
    ///   - clientID: Overrides `AZURE_CLIENT_ID`.
    ///   - tenantID: Overrides `AZURE_TENANT_ID`.
    ///   - options: Other options; its authority host is replaced by `AZURE_AUTHORITY_HOST` when set.
    /// - Returns: The credential.
    /// - Throws: ``IdentityError`` `credentialUnavailable` naming the missing variables.
    public static func fromEnvironment(
        _ environment: [String: String],
        clientID: String? = nil,
        tenantID: String? = nil,
        options: CredentialOptions = CredentialOptions()
    ) throws -> WorkloadIdentityCredential {
        let client = clientID ?? environment["AZURE_CLIENT_ID"] ?? ""
        let tenant = tenantID ?? environment["AZURE_TENANT_ID"] ?? ""
        let file = environment["AZURE_FEDERATED_TOKEN_FILE"] ?? ""
        var missing: [String] = []
        if client.isEmpty { missing.append("AZURE_CLIENT_ID") }
        if tenant.isEmpty { missing.append("AZURE_TENANT_ID") }
        if file.isEmpty { missing.append("AZURE_FEDERATED_TOKEN_FILE") }
        guard missing.isEmpty else {
            throw IdentityError(
                code: .credentialUnavailable, credential: name,
                message: "workload identity is not configured: \(missing.joined(separator: ", ")) not set (is the pod labelled azure.workload.identity/use: \"true\" and its service account annotated?)"
            )
        }
        var options = options
        if let host = environment["AZURE_AUTHORITY_HOST"], !host.isEmpty {
            options.authorityHost = try AuthorityValidation.normalizeAuthority(host, credential: name)
        }
        return try WorkloadIdentityCredential(
            tenantID: tenant, clientID: client,
            tokenSource: .file(path: file, clock: options.clock),
            options: options
        )
    }

    /// Gets a token, from the cache when possible.
    /// - Parameter request: Scopes, tenant, claims.
    /// - Returns: The token.
    /// - Throws: ``IdentityError``; for AADSTS70021 the message names the assertion's issuer, subject and audience.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let tenant = try options.tenant(for: request, configured: tenantID, credential: Self.name)
        let key = TokenCache.Key(credentialID: "workload|\(options.authorityHost)|\(clientID)|\(proofID)", tenantID: tenant, scopes: request.scopes, claims: request.claims)
        let client = self.client
        let source = self.source
        let clientID = self.clientID
        let logger = options.logger
        return try await cache.token(for: key) {
            let assertion = try await source.token(credential: Self.name)
            do {
                return try await client.requestToken(tenant: tenant, request: request, clientID: clientID, assertion: assertion)
            } catch let error as IdentityError where error.code == .authenticationFailed {
                await source.rejected()
                logger.debug("federated assertion rejected; the token file will be re-read", metadata: ["aadsts": "\(error.aadstsCode.map(String.init) ?? "-")"])
                throw error
            }
        }
    }
}

extension WorkloadIdentityCredential: CustomStringConvertible, CustomReflectable {
    /// The tenant, client ID and token source; never the service-account token.
    public var description: String { "WorkloadIdentityCredential(tenantID: \(tenantID), clientID: \(clientID), tokenSource: \(source))" }

    /// A mirror without the service-account token, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["tenantID": tenantID, "clientID": clientID, "tokenSource": source.description], displayStyle: .struct)
    }
}

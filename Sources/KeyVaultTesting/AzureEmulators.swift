import AzureCoreTesting
import Foundation
import KeyVaultCore
public import Logging

/// The whole Azure side of a mount on loopback HTTPS: the Entra ID token endpoint, IMDS, a Kubernetes OIDC
/// issuer and Key Vault, sharing one test CA and seeded from an ``AzureEmulatorSeed`` (or ``AzureEmulatorSeed/sample``).
///
/// ```swift
/// try await AzureEmulators.withRunning(seed: .sample) { emulators in   // always stopped afterwards
///     let settings = try emulators.keyVaultClientSettings(vault: AzureEmulatorSeed.Sample.vaultName)
///     let env = emulators.environment   // AZURE_AUTHORITY_HOST, SSL_CERT_FILE, vault URLs, ... for a child process
/// }
/// ```
///
/// Clients reach a vault through its own port: ``vaultURLs`` maps each vault name to `https://127.0.0.1:<port>`.
/// ``keyVaultClientSettings(vault:)`` gathers what a client needs: that URL, a transport configuration trusting
/// the test CA, and client options with challenge-resource verification off.
public struct AzureEmulators: Sendable {
    /// The test CA; every server presents a leaf it issued.
    public let certificateAuthority: TestCertificateAuthority
    /// The CA certificate as a PEM file (for `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, `--ca-bundle`).
    public let caFile: URL
    /// The folder holding ``caFile`` and the service-account token files.
    public let stateDirectory: URL
    /// The Entra ID emulator (`AZURE_AUTHORITY_HOST`).
    public let entra: EntraEmulator
    /// The IMDS emulator (`AZURE_POD_IDENTITY_AUTHORITY_HOST`).
    public let imds: IMDSEmulator
    /// The Kubernetes OIDC issuer emulator.
    public let oidcIssuer: OIDCIssuerEmulator
    /// The Key Vault emulator.
    public let keyVault: KeyVaultEmulator
    /// The seed the emulators were filled from.
    public let seed: AzureEmulatorSeed
    /// Vault name to base URL (`https://127.0.0.1:<port>`).
    public let vaultURLs: [String: URL]
    /// Service-account token files, keyed `<namespace>/<serviceAccount>`, one per federated credential
    /// (tokens minted by the OIDC issuer, valid 24 hours).
    public let serviceAccountTokenFiles: [String: URL]
    private let ownsStateDirectory: Bool

    /// Starts every emulator and applies the seed.
    /// - Parameters:
    ///   - seed: What to create (default: the built-in sample).
    ///   - seedDirectory: The folder that relative `pfxFile`/`pemFile` paths of the seed are resolved against.
    ///   - stateDirectory: Where to write the CA file and token files; a new temporary folder (removed by
    ///     ``stop()``) when `nil`.
    ///   - logger: The servers' logger (default: no logging). Secret values and tokens are never logged.
    /// - Returns: The running emulators; call ``stop()`` when done, or use ``withRunning(seed:seedDirectory:logger:isolation:_:)``.
    /// - Throws: ``KeyVaultEmulatorError`` for an inconsistent seed (unknown role, bad key type, unreadable
    ///   certificate file), or a server start error.
    public static func start(
        seed: AzureEmulatorSeed = .sample, seedDirectory: URL? = nil, stateDirectory: URL? = nil,
        logger: Logger = Logger(label: "KeyVaultTesting", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> AzureEmulators {
        let fileManager = FileManager.default
        let state = stateDirectory ?? fileManager.temporaryDirectory.appendingPathComponent(
            "azure-emulators-\(UUID().uuidString.lowercased())")
        try fileManager.createDirectory(at: state, withIntermediateDirectories: true)
        let authority = try TestCertificateAuthority()
        let caFile = state.appendingPathComponent("emulators-ca.pem")
        try authority.writeCAPEM(to: caFile)

        let entra = try await EntraEmulator.start(certificateAuthority: authority, logger: logger)
        var started: [@Sendable () async -> Void] = [{ await entra.stop() }]
        do {
            let oidc = try await OIDCIssuerEmulator.start(certificateAuthority: authority, logger: logger)
            started.append({ await oidc.stop() })
            let imdsTenant = seed.tenants.first { !($0.managedIdentities ?? []).isEmpty }?.id
                ?? seed.tenants.first?.id ?? "00000000-0000-0000-0000-000000000000"
            let imds = try await IMDSEmulator.start(
                entra: entra, tenantID: imdsTenant, certificateAuthority: authority, logger: logger)
            started.append({ await imds.stop() })

            var tokenFiles: [String: URL] = [:]
            for tenant in seed.tenants {
                await entra.addTenant(tenant.id)
                for application in tenant.applications ?? [] {
                    await entra.registerApplication(
                        tenantID: tenant.id, clientID: application.clientID, objectID: application.objectID,
                        secret: application.secret)
                }
                for identity in tenant.managedIdentities ?? [] {
                    await entra.registerApplication(
                        tenantID: tenant.id, clientID: identity.clientID, objectID: identity.objectID, secret: nil)
                    if tenant.id == imdsTenant {
                        await imds.addManagedIdentity(
                            clientID: identity.clientID, objectID: identity.objectID, resourceID: identity.resourceID,
                            systemAssigned: identity.systemAssigned ?? false)
                    }
                }
                for federated in tenant.federatedCredentials ?? [] {
                    try await entra.addFederatedCredential(
                        tenantID: tenant.id, clientID: federated.clientID, issuer: federated.issuer ?? oidc.issuer,
                        subject: federated.subject,
                        audience: federated.audience ?? OIDCIssuerEmulator.workloadIdentityAudience)
                    let key = "\(federated.namespace)/\(federated.serviceAccount)"
                    if tokenFiles[key] == nil {
                        let token = try oidc.mintServiceAccountToken(
                            namespace: federated.namespace, serviceAccount: federated.serviceAccount,
                            audience: federated.audience ?? OIDCIssuerEmulator.workloadIdentityAudience,
                            lifetime: 86_400)
                        let file = state.appendingPathComponent(
                            "serviceaccount-\(federated.namespace)-\(federated.serviceAccount).jwt")
                        try Data(token.utf8).write(to: file, options: .atomic)
                        try? fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
                        tokenFiles[key] = file
                    }
                }
            }

            let keyVault = KeyVaultEmulator(
                configuration: .init(authorityHost: entra.authorityHost),
                tokenVerifier: { token in
                    let claims = try await entra.verifyAccessToken(token)
                    return KeyVaultAccessTokenClaims(
                        audience: claims.aud, tenantID: claims.tid, objectID: claims.oid,
                        applicationID: claims.appid, expiresOn: claims.exp)
                },
                logger: logger)
            for vault in seed.vaults {
                try await apply(vault, to: keyVault, seedDirectory: seedDirectory)
            }
            if let latency = seed.keyVaultLatency {
                await keyVault.faultInjector.setLatency(
                    .milliseconds(Int64(latency.milliseconds.rounded())),
                    jitter: .milliseconds(Int64((latency.jitterMilliseconds ?? 0).rounded()))
                )
            }
            try await keyVault.start(certificateAuthority: authority)
            started.append({ await keyVault.stop() })
            var urls: [String: URL] = [:]
            for vault in seed.vaults {
                urls[vault.name] = await keyVault.vaultURL(vault.name)
            }
            return AzureEmulators(
                certificateAuthority: authority, caFile: caFile, stateDirectory: state, entra: entra, imds: imds,
                oidcIssuer: oidc, keyVault: keyVault, seed: seed, vaultURLs: urls, serviceAccountTokenFiles: tokenFiles,
                ownsStateDirectory: stateDirectory == nil)
        } catch {
            for stop in started.reversed() { await stop() }
            if stateDirectory == nil { try? fileManager.removeItem(at: state) }
            throw error
        }
    }

    /// Stops every server (and removes the state folder when ``start(seed:seedDirectory:stateDirectory:logger:)``
    /// created it).
    public func stop() async {
        await keyVault.stop()
        await imds.stop()
        await oidcIssuer.stop()
        await entra.stop()
        if ownsStateDirectory { try? FileManager.default.removeItem(at: stateDirectory) }
    }

    /// The environment a client process needs:
    /// - `AZURE_AUTHORITY_HOST` (Entra), `AZURE_POD_IDENTITY_AUTHORITY_HOST` (IMDS),
    /// - `SSL_CERT_FILE` and `REQUESTS_CA_BUNDLE` (the CA file),
    /// - `AZURE_TENANT_ID`, and for the first application with a secret `AZURE_CLIENT_ID` / `AZURE_CLIENT_SECRET`,
    /// - `AZURE_FEDERATED_TOKEN_FILE` (the first federated credential's service-account token),
    /// - `AKV_EMULATOR_OIDC_ISSUER`, `AKV_EMULATOR_KEYVAULT_RESOURCE`,
    /// - `AKV_EMULATOR_VAULT_URL_<NAME>` per vault (upper case, `-` as `_`) and `AKV_EMULATOR_VAULT_URL` for the
    ///   first vault.
    public var environment: [String: String] {
        var env: [String: String] = [
            "AZURE_AUTHORITY_HOST": entra.authorityHost.absoluteString,
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": imds.endpoint.absoluteString,
            "SSL_CERT_FILE": caFile.path,
            "REQUESTS_CA_BUNDLE": caFile.path,
            "AKV_EMULATOR_OIDC_ISSUER": oidcIssuer.issuer,
            "AKV_EMULATOR_KEYVAULT_RESOURCE": keyVault.configuration.resource,
        ]
        if let tenant = seed.tenants.first {
            env["AZURE_TENANT_ID"] = tenant.id
        }
        for tenant in seed.tenants {
            if let application = (tenant.applications ?? []).first(where: { $0.secret != nil }) {
                env["AZURE_TENANT_ID"] = tenant.id
                env["AZURE_CLIENT_ID"] = application.clientID
                env["AZURE_CLIENT_SECRET"] = application.secret
                break
            }
        }
        if let first = seed.tenants.lazy.flatMap({ $0.federatedCredentials ?? [] }).first,
            let file = serviceAccountTokenFiles["\(first.namespace)/\(first.serviceAccount)"]
        {
            env["AZURE_FEDERATED_TOKEN_FILE"] = file.path
        }
        for vault in seed.vaults {
            guard let url = vaultURLs[vault.name] else { continue }
            env[Self.vaultVariable(vault.name)] = url.absoluteString
            if env["AKV_EMULATOR_VAULT_URL"] == nil { env["AKV_EMULATOR_VAULT_URL"] = url.absoluteString }
        }
        return env
    }

    /// The name of the variable holding a vault's URL: `AKV_EMULATOR_VAULT_URL_<NAME>`.
    /// - Parameter vault: The vault name.
    /// - Returns: The variable name.
    public static func vaultVariable(_ vault: String) -> String {
        "AKV_EMULATOR_VAULT_URL_" + vault.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    // MARK: Seeding

    private static func apply(_ vault: AzureEmulatorSeed.Vault, to emulator: KeyVaultEmulator, seedDirectory: URL?)
        async throws
    {
        try await emulator.addVault(name: vault.name, tenantID: vault.tenantID, permissionModel: vault.permissionModel ?? .rbac)
        if let limit = vault.rateLimit {
            try await emulator.setThrottling(vault: vault.name, KeyVaultThrottling(
                requestsPerWindow: limit.requestsPerWindow, windowSeconds: limit.windowSeconds ?? 10, retryAfterSeconds: limit.retryAfterSeconds,
                tellsWindowRemainder: limit.tellsWindowRemainder ?? false
            ))
        }
        for secret in vault.secrets ?? [] {
            try await emulator.setSecret(
                vault: vault.name, name: secret.name, value: secret.value, contentType: secret.contentType,
                enabled: secret.enabled ?? true, tags: secret.tags ?? [:])
        }
        for key in vault.keys ?? [] {
            try await emulator.createKey(vault: vault.name, name: key.name, spec: try keySpec(kty: key.kty, size: key.size, curve: key.curve))
        }
        for certificate in vault.certificates ?? [] {
            func resolve(_ path: String) -> URL {
                path.hasPrefix("/")
                    ? URL(fileURLWithPath: path)
                    : (seedDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                        .appendingPathComponent(path)
            }
            if let pfxFile = certificate.pfxFile {
                let data = try readSeedFile(resolve(pfxFile), vault: vault.name)
                try await emulator.importCertificate(
                    vault: vault.name, name: certificate.name, pfx: data, password: certificate.password ?? "",
                    secretContentType: certificate.contentType)
            } else if let pemFile = certificate.pemFile {
                let data = try readSeedFile(resolve(pemFile), vault: vault.name)
                try await emulator.importCertificate(
                    vault: vault.name, name: certificate.name, pem: String(decoding: data, as: UTF8.self),
                    secretContentType: certificate.contentType)
            } else {
                try await emulator.createCertificateChain(
                    vault: vault.name, name: certificate.name, subject: certificate.subject ?? certificate.name,
                    dnsNames: certificate.dnsNames ?? [], depth: certificate.chainDepth ?? 1,
                    keySpec: try keySpec(kty: certificate.kty ?? "RSA", size: certificate.size, curve: certificate.curve),
                    secretContentType: certificate.contentType)
            }
        }
        for assignment in vault.roleAssignments ?? [] {
            try await emulator.assignRole(vault: vault.name, principalObjectID: assignment.principalObjectID, role: assignment.role)
        }
        for policy in vault.accessPolicies ?? [] {
            try await emulator.setAccessPolicy(
                vault: vault.name,
                KeyVaultAccessPolicy(
                    objectID: policy.objectID, secrets: Set(policy.secrets ?? []), keys: Set(policy.keys ?? []),
                    certificates: Set(policy.certificates ?? [])))
        }
    }

    private static func keySpec(kty: String, size: Int?, curve: String?) throws -> KeyVaultKeySpec {
        switch kty.uppercased() {
        case "RSA", "RSA-HSM": return .rsa(bits: size ?? 2048)
        case "EC", "EC-HSM": return .ec(curve: curve ?? "P-256")
        default: throw KeyVaultEmulatorError(code: .invalidArgument, message: "unknown key type '\(kty)' (RSA or EC)")
        }
    }

    private static func readSeedFile(_ url: URL, vault: String) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw KeyVaultEmulatorError(code: .invalidArgument, vault: vault, message: "cannot read seed file \(url.path)")
        }
    }
}

import AzureCore
import Foundation
import IdentityProviders
import KeyVaultCore
import Logging

/// The mutable state of one diagnosis.
struct DoctorRun {
    let doctor: MountDoctor
    var steps: [DoctorStep] = []
    var configuration: ProviderConfiguration { doctor.configuration }

    /// What the object reads hand to the conversions.
    enum Fetched {
        case secret(SecretBundle)
        case key(KeyBundle)
        case certificate(CertificateBundle)
    }

    /// The credential's answer to a challenge probe: the scope and tenant Key Vault's challenge asked for.
    struct ChallengeCaptured: Error {
        var context: TokenRequestContext
    }

    /// A credential that only records the token request Key Vault's challenge leads to.
    struct ChallengeRecorder: TokenCredential {
        func getToken(for request: TokenRequestContext) async throws -> AccessToken {
            throw ChallengeCaptured(context: request)
        }
    }

    mutating func add(
        _ stage: DoctorStep.Stage, _ check: String, _ title: String, _ status: DoctorStep.Status, detail: String? = nil,
        cause: String? = nil, fix: String? = nil, object: Int? = nil
    ) {
        steps.append(DoctorStep(stage: stage, check: check, title: title, status: status, detail: detail, cause: cause, fix: fix, objectIndex: object))
    }

    // MARK: The run

    mutating func diagnose(
        manifest: String, className: String?, source: String, attributes: [String: String], secrets: [String: String], target: String?
    ) async {
        // 1. The manifest.
        let spc: SecretProviderClass
        do {
            spc = try SecretProviderClass(yaml: manifest, name: className, source: source)
        } catch {
            add(.manifest, "manifest.read", "read the SecretProviderClass", .failed, cause: error.message, fix: "akv-mount lint --spc \(source) lists every problem")
            return
        }
        let identityRules: Set<LintFinding.Rule> = [.serviceAccountTokenMissing, .serviceAccountTokenInvalid, .servicePrincipalSecretMissing]
        let findings = ManifestLinter(now: doctor.now()).lint(manifest: manifest, source: source, attributes: attributes, secrets: secrets)
            .filter { !identityRules.contains($0.rule) }
        let errors = findings.filter { $0.severity == .error }
        let warnings = findings.filter { $0.severity == .warning }
        var parameters = spc.parameters
        parameters.merge(attributes) { _, attribute in attribute }
        func value(_ key: String) -> String { (parameters[key] ?? "").trimmingWhitespace() }
        let parsedObjects = (try? ObjectsParser.parse(value(ProviderParameters.Key.objects))) ?? []
        var objects: [(KeyVaultObject, ValidatedKeyVaultObject?)] = parsedObjects.enumerated().map { index, object in
            (object, try? object.validated(index: index))
        }
        if let first = errors.first {
            add(
                .manifest, "manifest.lint", "SecretProviderClass '\(spc.name)'", .failed,
                detail: "\(parsedObjects.count) objects, \(warnings.count) warnings",
                cause: "\(errors.count) problem\(errors.count == 1 ? "" : "s"), first at \(first.location): \(first.message)",
                fix: first.fix + (errors.count > 1 ? " (akv-mount lint --spc \(source) lists all \(errors.count))" : "")
            )
        } else {
            add(
                .manifest, "manifest.lint", "SecretProviderClass '\(spc.name)'", .passed,
                detail: "\(parsedObjects.count) object\(parsedObjects.count == 1 ? "" : "s")"
                    + (warnings.isEmpty ? "" : "; \(warnings.count) warning\(warnings.count == 1 ? "" : "s"): " + warnings.map(\.message).joined(separator: "; "))
            )
        }
        // The identity mode, and why.
        var flags: [String: Bool] = [:]
        let flagKeys = [ProviderParameters.Key.usePodIdentity, ProviderParameters.Key.useVMManagedIdentity, ProviderParameters.Key.useAzureTokenProxy]
        for key in flagKeys where !value(key).isEmpty {
            guard let parsed = GoValueParsing.parseBool(value(key)) else {
                add(.manifest, "manifest.identityMode", "identity mode", .failed,
                    cause: "failed to parse \(key) flag, error: \(GoValueParsing.parseBoolError(value(key)))", fix: "set \(key): \"true\" or \"false\"")
                return
            }
            flags[key] = parsed
        }
        let on = flagKeys.filter { flags[$0] == true }
        if on.count > 1 {
            add(.manifest, "manifest.identityMode", "identity mode", .failed,
                cause: "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy (\(on.joined(separator: " and ")) are \"true\")",
                fix: "keep one of \(on.joined(separator: ", ")) and remove the others")
            return
        }
        if on.first == ProviderParameters.Key.usePodIdentity || on.first == ProviderParameters.Key.useAzureTokenProxy {
            add(.manifest, "manifest.identityMode", "identity mode", .failed,
                cause: "\(on[0]) is not supported by this provider",
                fix: "use workload identity: set clientID to the identity's client ID and create a federated credential for the pod's service account")
            return
        }
        let clientID = value(ProviderParameters.Key.clientID)
        let userAssigned = value(ProviderParameters.Key.userAssignedIdentityID)
        var tenantID = value(ProviderParameters.Key.tenantID)
        if tenantID.isEmpty { tenantID = value(ProviderParameters.Key.tenantIdDeprecated) }
        let mode: IdentitySelection.Mode
        let why: String
        if flags[ProviderParameters.Key.useVMManagedIdentity] == true {
            mode = .managedIdentity
            why = "useVMManagedIdentity is \"true\"; " + (userAssigned.isEmpty
                ? "no userAssignedIdentityID, so IMDS picks the system-assigned (or only) identity"
                : "userAssignedIdentityID names client ID \(userAssigned)")
        } else if !clientID.isEmpty {
            mode = .workloadIdentity
            why = "clientID is set (\(clientID)) and useVMManagedIdentity is not \"true\""
        } else {
            mode = .servicePrincipal
            why = "no useVMManagedIdentity and no clientID, so the node-publish secret (clientid, clientsecret) is used"
        }
        let modeName: String = switch mode {
        case .managedIdentity: userAssigned.isEmpty ? "managed identity (system-assigned)" : "user-assigned managed identity"
        case .workloadIdentity: "workload identity"
        case .servicePrincipal: "service principal"
        }
        guard !tenantID.isEmpty else {
            add(.manifest, "manifest.identityMode", "identity mode: \(modeName)", .failed, detail: why,
                cause: "tenantId is not provided", fix: "set tenantID to the tenant ID of the vault and the identity")
            return
        }
        add(.manifest, "manifest.identityMode", "identity mode: \(modeName)", .passed, detail: "\(why); tenantID \(tenantID)")

        // 2. Cloud and vault URL.
        let cloud: AzureCloud
        do {
            cloud = try CloudResolver.resolve(
                name: value(ProviderParameters.Key.cloudName),
                environmentFile: value(ProviderParameters.Key.cloudEnvFileName).isEmpty ? nil : value(ProviderParameters.Key.cloudEnvFileName),
                environment: configuration.environment
            )
        } catch {
            add(.cloud, "cloud.resolve", "cloud", .failed, cause: error.message,
                fix: "set cloudName to AzurePublicCloud, AzureChinaCloud, AzureUSGovernmentCloud or AzureStackCloud (with cloudEnvFileName), or remove it")
            return
        }
        let authorityHost = configuration.authorityHost ?? cloud.authorityHost
        add(.cloud, "cloud.resolve", "cloud \(cloud.name)", .passed,
            detail: "Entra ID \(authorityHost.absoluteString), Key Vault DNS suffix \(cloud.keyVaultDNSSuffix), resource \(cloud.keyVaultResource)")
        let vaultName = value(ProviderParameters.Key.keyvaultName)
        var vaultURL: URL?
        do {
            let url = try VaultURLResolver.url(for: vaultName, cloud: cloud, configuration: configuration)
            vaultURL = url
            add(.cloud, "cloud.vaultURL", "vault URL \(url.absoluteString)", .passed,
                detail: configuration.vaultURLs[vaultName] != nil ? "override for \(vaultName)" : "from keyvaultName \(vaultName)")
        } catch {
            add(.cloud, "cloud.vaultURL", "vault URL", .failed, cause: error.message,
                fix: vaultName.isEmpty ? "set keyvaultName" : "set keyvaultName to the vault's name only (3-24 letters, digits, '-'), not its URL")
        }

        // Key Vault's challenge, asked before the identity so that identity failures can name the vault's tenant.
        let transport = configuration.transport ?? AsyncHTTPClientTransport.shared
        var challenge: TokenRequestContext?
        var challengeError: (any Error)?
        if let vaultURL {
            do {
                let probe = try KeyVaultClient(
                    vaultURL: vaultURL, credential: ChallengeRecorder(), transport: transport,
                    options: .init(verifyChallengeResource: false, allowInsecureLoopbackHTTP: LoopbackAddress.isLoopback(vaultURL.host ?? ""), retryPolicy: nil),
                    logger: configuration.logger
                )
                _ = try await probe.getSecret(name: parsedObjects.first?.objectName.nonEmpty ?? "akv-doctor-probe")
                challengeError = KeyVaultError(code: .invalidChallenge, vault: vaultURL.host ?? "", message: "the vault answered without asking for a token (no 401 challenge)")
            } catch let captured as ChallengeCaptured {
                challenge = captured.context
            } catch {
                challengeError = error
            }
        }
        let vaultTenant = challenge?.tenantID
        let tenantHint: String = {
            guard let vaultTenant, vaultTenant.lowercased() != tenantID.lowercased() else { return "" }
            return "; the vault's tenant is \(vaultTenant) (step 4), so set tenantID: \"\(vaultTenant)\""
        }()
        let scope = challenge?.scopes.first ?? cloud.keyVaultScope

        // 3. The identity.
        let options = CredentialOptions(transport: transport, logger: configuration.logger, authorityHost: authorityHost)
        var credential: (any TokenCredential)?
        var token: AccessToken?
        switch mode {
        case .managedIdentity:
            (credential, token) = await managedIdentity(clientID: userAssigned, scope: scope, options: options)
        case .workloadIdentity:
            (credential, token) = await workloadIdentity(
                tenantID: tenantID, clientID: clientID, tokens: value(ProviderParameters.Key.serviceAccountTokens), scope: scope,
                options: options, tenantHint: tenantHint
            )
        case .servicePrincipal:
            (credential, token) = await servicePrincipal(tenantID: tenantID, secrets: secrets, scope: scope, options: options, tenantHint: tenantHint)
        }

        // 4. Key Vault.
        guard let vaultURL else {
            skipRest(objects: objects, because: "needs the vault URL (step 2)")
            return
        }
        let host = (vaultURL.host ?? "").lowercased()
        guard challenge != nil else {
            let cause = challengeError.map(Self.describe) ?? "no answer"
            add(.keyVault, "keyvault.challenge", "challenge from \(host)", .failed, cause: cause,
                fix: "the node must reach \(vaultURL.absoluteString): check DNS (a private endpoint needs its privatelink zone), the vault's firewall (allow the node's subnet or outbound IP), proxies and network policies")
            skipRest(objects: objects, because: "needs Key Vault's challenge (step 4)")
            return
        }
        let resource = scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
        add(.keyVault, "keyvault.challenge", "challenge from \(host)", .passed,
            detail: "tenant \(vaultTenant ?? "none (ADFS)"), resource \(resource)")
        if let vaultTenant, vaultTenant.lowercased() != tenantID.lowercased() {
            add(.keyVault, "keyvault.tenant", "vault tenant against the SPC's tenantID", .failed,
                cause: "the vault belongs to tenant \(vaultTenant), but the SecretProviderClass says tenantID \(tenantID)",
                fix: "set tenantID: \"\(vaultTenant)\" (az keyvault show -n \(vaultName) --query properties.tenantId -o tsv), and use an identity of that tenant")
        } else {
            add(.keyVault, "keyvault.tenant", "vault tenant against the SPC's tenantID", .passed, detail: "both \(tenantID)")
        }
        let domain = URLComponents(string: resource)?.host?.lowercased() ?? ""
        var resourceVerified = true
        if !domain.isEmpty && host.hasSuffix("." + domain) {
            add(.keyVault, "keyvault.resource", "challenge resource against the vault host", .passed, detail: "\(host) is in \(domain)")
        } else if !configuration.verifyChallengeResource && LoopbackAddress.isLoopback(host) {
            add(.keyVault, "keyvault.resource", "challenge resource against the vault host", .passed,
                detail: "\(resource) not verified: loopback test vault with verification off")
        } else {
            resourceVerified = false
            add(.keyVault, "keyvault.resource", "challenge resource against the vault host", .failed,
                cause: "the challenge resource \(resource) does not match the vault host \(host); no token is sent to it",
                fix: "check keyvaultName, cloudName and any vault URL override: the vault must be in the cloud whose resource it names")
        }
        if let token {
            if let claims = TokenClaims(jwt: token.token) {
                let expected = resource.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased()
                let audiences = claims.audiences.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased() }
                let detail = "aud \(claims.audiences.joined(separator: ", ")), tenant \(claims.tenantID ?? "?"), object ID \(claims.objectID ?? "?"), expires \(ManifestLinter.timestampText(claims.expiresOn))"
                if !audiences.contains(expected) {
                    add(.keyVault, "keyvault.tokenAudience", "token audience", .failed, detail: detail,
                        cause: "the token is for \(claims.audiences.joined(separator: ", ")), Key Vault expects \(resource)",
                        fix: "set cloudName to the vault's cloud so the token is requested for its resource")
                } else if let tid = claims.tenantID, let vaultTenant, tid.lowercased() != vaultTenant.lowercased() {
                    add(.keyVault, "keyvault.tokenAudience", "token audience and tenant", .failed, detail: detail,
                        cause: "the token is from tenant \(tid), the vault from tenant \(vaultTenant); Key Vault answers 401",
                        fix: "use an identity of tenant \(vaultTenant) and set tenantID: \"\(vaultTenant)\"")
                } else {
                    add(.keyVault, "keyvault.tokenAudience", "token audience", .passed, detail: detail)
                }
            } else {
                add(.keyVault, "keyvault.tokenAudience", "token audience", .passed, detail: "the token is not a JWT; its audience was not decoded")
            }
        } else {
            add(.keyVault, "keyvault.tokenAudience", "token audience", .skipped, cause: "needs a token (step 3)")
        }
        guard let credential, token != nil, resourceVerified else {
            skipRest(objects: objects, because: token == nil ? "needs a token (step 3)" : "needs a verified challenge resource (step 4)")
            return
        }

        // 5. Each object.
        let client: KeyVaultClient
        do {
            let loopback = LoopbackAddress.isLoopback(host)
            client = try KeyVaultClient(
                vaultURL: vaultURL, credential: credential, transport: transport,
                options: .init(verifyChallengeResource: configuration.verifyChallengeResource || !loopback, allowInsecureLoopbackHTTP: loopback),
                logger: configuration.logger
            )
        } catch {
            add(.object, "object.client", "Key Vault client", .failed, cause: Self.describe(error), fix: "check the vault URL")
            return
        }
        let identityText = mode == .managedIdentity
            ? (userAssigned.isEmpty ? "the node's managed identity" : "managed identity \(userAssigned)")
            : (mode == .workloadIdentity ? "workload identity \(clientID)" : "service principal \(Self.clientID(in: secrets) ?? "?")")
        let assignee = mode == .managedIdentity ? (userAssigned.isEmpty ? "<principal ID>" : userAssigned) : (mode == .workloadIdentity ? clientID : Self.clientID(in: secrets) ?? "<client ID>")
        var fetched: [Int: (ValidatedKeyVaultObject, Fetched)] = [:]
        for (index, entry) in objects.enumerated() {
            guard let object = entry.1 else {
                add(.object, "object.read", "object \(index) '\(entry.0.objectName)'", .skipped, cause: "invalid in the manifest (step 1)", object: index)
                continue
            }
            if let result = await read(object, client: client, vaultName: vaultName, identity: identityText, assignee: assignee) {
                fetched[index] = (object, result)
            }
        }
        objects = objects.enumerated().map { index, entry in (entry.0, fetched[index] == nil ? nil : entry.1) }

        // 6. Each object's conversion.
        var total = 0
        var allConverted = true
        for (index, entry) in objects.enumerated() {
            guard let (object, result) = fetched[index] else {
                add(.conversion, "conversion", "object \(index) '\(entry.0.objectName)'", .skipped, cause: "not read (step 5)", object: index)
                allConverted = false
                continue
            }
            if let size = convert(object, result) {
                total += size * max(1, Int(object.source.objectVersionHistory))
            } else {
                allConverted = false
            }
        }

        // 7. The target.
        if let target { checkTarget(target, needed: allConverted ? total : nil) }
    }

    mutating func skipRest(objects: [(KeyVaultObject, ValidatedKeyVaultObject?)], because cause: String) {
        for (index, entry) in objects.enumerated() {
            add(.object, "object.read", "object \(index) '\(entry.0.objectName)'", .skipped, cause: cause, object: index)
        }
    }

    static func clientID(in secrets: [String: String]) -> String? {
        secrets.first { $0.key.lowercased() == "clientid" }?.value.trimmingWhitespace().nonEmpty
    }

    /// The text of an error from any layer, without secrets (every layer scrubs its own).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SecretsStoreProviderError: error.message
        case let error as IdentityError: error.description
        case let error as KeyVaultError: error.description
        case let error as ConversionError: error.message
        case let error as AzureCoreError: error.message
        default: String(describing: error)
        }
    }

    // MARK: 3. Identity

    mutating func managedIdentity(clientID: String, scope: String, options: CredentialOptions) async -> ((any TokenCredential)?, AccessToken?) {
        let endpoint = configuration.imdsEndpoint
        let endpointText = (endpoint ?? configuration.environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { URL(string: $0) } ?? ManagedIdentityCredential.defaultEndpoint).absoluteString
        let id: ManagedIdentityID = clientID.isEmpty ? .systemAssigned : .clientID(clientID)
        let credential: ManagedIdentityCredential
        do {
            credential = try ManagedIdentityCredential(
                identity: id, endpoint: endpoint, environment: configuration.environment,
                retryPolicy: IMDSRetryPolicy(maximumRetries: 0, maximumGoneRetries: 0),
                transport: endpoint?.scheme?.lowercased() == "https" ? options.transport : nil, options: options
            )
        } catch {
            add(.identity, "identity.imds", "IMDS endpoint", .failed, cause: Self.describe(error), fix: "unset or correct AZURE_POD_IDENTITY_AUTHORITY_HOST")
            return (nil, nil)
        }
        let addonClientID = "az aks show -g <resource group> -n <cluster> --query addonProfiles.azureKeyvaultSecretsProvider.identity.clientId -o tsv"
        do {
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [scope]))
            add(.identity, "identity.imds", "IMDS reachable at \(endpointText)", .passed)
            add(.identity, "identity.token", "token for \(id)", .passed, detail: "expires \(ManifestLinter.timestampText(token.expiresOn))")
            return (credential, token)
        } catch let error as IdentityError where error.code == .credentialUnavailable {
            add(.identity, "identity.imds", "IMDS reachable at \(endpointText)", .failed, cause: error.message,
                fix: "IMDS is reached from the node (the provider runs with hostNetwork: true, and the connect time-out is 2 s): check that no network policy, firewall or proxy blocks 169.254.169.254:80, and that this runs on an Azure VM or scale set")
            add(.identity, "identity.token", "token for \(id)", .skipped, cause: "needs IMDS")
        } catch let error as IdentityError where error.code == .identityNotFound {
            add(.identity, "identity.imds", "IMDS reachable at \(endpointText)", .passed)
            if error.message.lowercased().contains("multiple user assigned identities") {
                add(.identity, "identity.token", "token for \(id)", .failed,
                    cause: "IMDS: Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request",
                    fix: "several identities are assigned to the node pool and none is named: set userAssignedIdentityID to the client ID of the one with access to the vault (the add-on's: \(addonClientID); all of them: az vmss identity show -g <node resource group> -n <scale set>)")
            } else {
                add(.identity, "identity.token", "token for \(id)", .failed,
                    cause: "IMDS: Identity not found: \(id) is not assigned to this node pool",
                    fix: clientID.isEmpty
                        ? "enable a system-assigned identity on the node pool's scale set, or set userAssignedIdentityID to an assigned identity's client ID (the add-on's: \(addonClientID))"
                        : "use the client ID of an identity assigned to the node pool, for the Key Vault add-on: \(addonClientID); or assign this identity to the node pool's scale set: az vmss identity assign -g <node resource group> -n <scale set> --identities <identity resource ID>")
            }
        } catch {
            add(.identity, "identity.imds", "IMDS reachable at \(endpointText)", .passed)
            add(.identity, "identity.token", "token for \(id)", .failed, cause: Self.describe(error), fix: Self.identityFix(error, tenantHint: ""))
        }
        return (credential, nil)
    }

    mutating func workloadIdentity(
        tenantID: String, clientID: String, tokens: String, scope: String, options: CredentialOptions, tenantHint: String
    ) async -> ((any TokenCredential)?, AccessToken?) {
        let audience = ProviderParameters.workloadIdentityAudience
        let serviceAccountToken: String
        do {
            serviceAccountToken = try ProviderParameters.serviceAccountToken(from: tokens, audience: audience)
        } catch {
            add(.identity, "identity.serviceAccountToken", "service-account token for \(audience)", .failed,
                cause: "failed to parse workload identity tokens, error: \(error.message)",
                fix: "the CSIDriver object needs tokenRequests with audience \(audience): helm upgrade csi secrets-store-csi-driver/secrets-store-csi-driver -n kube-system --reuse-values --set \"tokenRequests[0].audience=\(audience)\" (or kubectl edit csidriver secrets-store.csi.k8s.io), then recreate the pod")
            add(.identity, "identity.exchange", "token exchange for client ID \(clientID)", .skipped, cause: "needs the service-account token")
            return (nil, nil)
        }
        let claims = TokenClaims(jwt: serviceAccountToken)
        let issuer = claims?.issuer ?? "?"
        let subject = claims?.subject ?? "?"
        let detail = "issuer \(issuer), subject \(subject), audience \(claims?.audiences.joined(separator: ",") ?? "?"), expires \(ManifestLinter.timestampText(claims?.expiresOn))"
        if claims == nil {
            add(.identity, "identity.serviceAccountToken", "service-account token for \(audience)", .failed,
                cause: "the token is not a JWT", fix: "pass the driver's csi.storage.k8s.io/serviceAccount.tokens attribute unchanged")
        } else if let claims, claims.isExpired(at: doctor.now()) {
            add(.identity, "identity.serviceAccountToken", "service-account token for \(audience)", .failed, detail: detail,
                cause: "the token expired at \(ManifestLinter.timestampText(claims.expiresOn)); Entra ID refuses it (AADSTS700024)",
                fix: "kubelet refreshes projected tokens: set requiresRepublish: true on the CSIDriver so the driver passes fresh ones, check the node's clock, and take attributes from a running pod")
        } else if let claims, !claims.audiences.contains(audience) {
            add(.identity, "identity.serviceAccountToken", "service-account token for \(audience)", .failed, detail: detail,
                cause: "the token's audience is not \(audience)", fix: "request tokens with audience \(audience) in the CSIDriver's tokenRequests")
        } else {
            add(.identity, "identity.serviceAccountToken", "service-account token for \(audience)", .passed, detail: detail)
        }
        let credential: WorkloadIdentityCredential
        do {
            credential = try WorkloadIdentityCredential(tenantID: tenantID, clientID: clientID, tokenSource: .closure { serviceAccountToken }, options: options)
        } catch {
            add(.identity, "identity.exchange", "token exchange for client ID \(clientID)", .failed, cause: Self.describe(error), fix: "check tenantID and clientID")
            return (nil, nil)
        }
        do {
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [scope]))
            add(.identity, "identity.exchange", "token exchange for client ID \(clientID)", .passed,
                detail: "tenant \(tenantID), expires \(ManifestLinter.timestampText(token.expiresOn))")
            return (credential, token)
        } catch let error as IdentityError where error.aadstsCode == 70021 {
            add(.identity, "identity.exchange", "token exchange for client ID \(clientID)", .failed,
                cause: "AADSTS70021: no federated credential of client ID \(clientID) matches issuer \(issuer) and subject \(subject) (audience \(audience))",
                fix: "add a federated credential to the identity \(clientID) with exactly issuer '\(issuer)' and subject '\(subject)': az identity federated-credential create --name kv-csi --identity-name <identity> -g <resource group> --issuer '\(issuer)' --subject '\(subject)' --audience \(audience); the issuer must be the cluster's (az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv, trailing slash included) and the subject system:serviceaccount:<namespace>:<service account> of the pod")
        } catch {
            add(.identity, "identity.exchange", "token exchange for client ID \(clientID)", .failed,
                cause: Self.describe(error), fix: Self.identityFix(error, tenantHint: tenantHint))
        }
        return (credential, nil)
    }

    mutating func servicePrincipal(
        tenantID: String, secrets: [String: String], scope: String, options: CredentialOptions, tenantHint: String
    ) async -> ((any TokenCredential)?, AccessToken?) {
        let create = "kubectl create secret generic secrets-store-creds --from-literal clientid=<application ID> --from-literal clientsecret=<secret value>, label it secrets-store.csi.k8s.io/used=true and set nodePublishSecretRef on the volume"
        let lowered = Dictionary(secrets.map { ($0.key.lowercased(), $0.value.trimmingWhitespace()) }, uniquingKeysWith: { a, _ in a })
        let problem: String? = secrets.isEmpty ? "failed to get credentials, nodePublishSecretRef secret is not set"
            : (lowered["clientid"] ?? "").isEmpty ? "could not find clientid in secrets"
            : (lowered["clientsecret"] ?? "").isEmpty ? "could not find clientsecret in secrets" : nil
        if let problem {
            add(.identity, "identity.nodePublishSecret", "node-publish secret", .failed, cause: problem,
                fix: secrets.isEmpty ? "no identity is configured: set clientID (workload identity) or useVMManagedIdentity, or \(create)" : create)
            add(.identity, "identity.token", "token for the service principal", .skipped, cause: "needs clientid and clientsecret")
            return (nil, nil)
        }
        let clientID = lowered["clientid"] ?? ""
        add(.identity, "identity.nodePublishSecret", "node-publish secret has clientid and clientsecret", .passed, detail: "client ID \(clientID)")
        let credential: ClientSecretCredential
        do {
            credential = try ClientSecretCredential(tenantID: tenantID, clientID: clientID, secret: SecretString(lowered["clientsecret"] ?? ""), options: options)
        } catch {
            add(.identity, "identity.token", "token for client ID \(clientID)", .failed, cause: Self.describe(error), fix: "check tenantID and clientid")
            return (nil, nil)
        }
        do {
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [scope]))
            add(.identity, "identity.token", "token for client ID \(clientID)", .passed,
                detail: "tenant \(tenantID), expires \(ManifestLinter.timestampText(token.expiresOn))")
            return (credential, token)
        } catch let error as IdentityError where error.aadstsCode == 7000215 || error.aadstsCode == 7000222 {
            add(.identity, "identity.token", "token for client ID \(clientID)", .failed,
                cause: error.aadstsCode == 7000215
                    ? "AADSTS7000215: Entra ID refused the client secret of \(clientID) (wrong value, or the secret's ID instead of its value)"
                    : "AADSTS7000222: the client secret of \(clientID) has expired",
                fix: "create a new secret (az ad app credential reset --id \(clientID) --append), put its value (not its ID) in the node-publish secret's clientsecret, and recreate the pod")
        } catch let error as IdentityError where error.aadstsCode == 700016 {
            add(.identity, "identity.token", "token for client ID \(clientID)", .failed,
                cause: "AADSTS700016: application \(clientID) is unknown in tenant \(tenantID)",
                fix: "clientid must be the application (client) ID, not its object ID, of an app registered in tenant \(tenantID) (az ad sp show --id \(clientID))\(tenantHint)")
        } catch {
            add(.identity, "identity.token", "token for client ID \(clientID)", .failed, cause: Self.describe(error), fix: Self.identityFix(error, tenantHint: tenantHint))
        }
        return (credential, nil)
    }

    static func identityFix(_ error: any Error, tenantHint: String) -> String {
        guard let error = error as? IdentityError else { return "check the identity's configuration\(tenantHint)" }
        switch error.aadstsCode {
        case 90002, 900023: return "tenantID is not a tenant Entra ID knows: use the tenant ID of the vault and the identity\(tenantHint)"
        case 700016: return "the client ID is not an application of tenant \(tenantHint.isEmpty ? "tenantID" : "tenantID")\(tenantHint.isEmpty ? ": check clientID and tenantID" : tenantHint)"
        case 700024: return "the service-account token has expired: recreate the pod, and set requiresRepublish: true on the CSIDriver"
        case 90061: return "Entra ID cannot read the OIDC issuer's keys: the cluster's OIDC issuer must be enabled and public (az aks update --enable-oidc-issuer)"
        case 700027: return "the token is not signed by the issuer's published keys: the federated credential's issuer must be this cluster's OIDC issuer"
        default:
            if error.code == .transportFailed || error.code == .credentialUnavailable {
                return "the node must reach Entra ID (\(error.endpoint ?? "the authority host")): check DNS, proxies and egress rules"
            }
            return (error.meaning ?? "check the identity's configuration") + tenantHint
        }
    }

    // MARK: 5. Objects

    mutating func read(_ object: ValidatedKeyVaultObject, client: KeyVaultClient, vaultName: String, identity: String, assignee: String) async -> Fetched? {
        let name = object.source.objectName
        let title = "\(object.type.rawValue) '\(name)'"
        let kind = object.type
        do {
            var version: String? = object.source.objectVersion.nonEmpty
            var detail = ""
            if !object.source.isSingleVersion {
                let listed = try await client.listVersions(type: kind, name: name)
                let chosen = try VersionHistory.select(
                    from: listed, startingAt: object.source.objectVersion, count: Int(object.source.objectVersionHistory), object: object
                )
                version = chosen.first
                detail = "\(listed.count) versions listed, \(chosen.count) written; "
            }
            let result: Fetched
            let got: String?
            switch object.type {
            case .secret:
                let bundle = try await client.getSecret(name: name, version: version)
                result = .secret(bundle)
                got = bundle.version
            case .key:
                let bundle = try await client.getKey(name: name, version: version)
                result = .key(bundle)
                got = bundle.version
            case .certificate:
                let bundle = try await client.getCertificate(name: name, version: version)
                result = .certificate(bundle)
                got = bundle.version
            }
            add(.object, "object.read", title, .passed, detail: detail + "version \(got ?? version ?? "?")", object: object.index)
            return result
        } catch let error as KeyVaultError {
            let versionText = error.objectVersion?.nonEmpty ?? object.source.objectVersion.nonEmpty ?? "latest"
            switch error.code {
            case .forbidden:
                let role = kind.readerRole
                let permissions = object.source.isSingleVersion ? "get" : "get list"
                add(.object, "object.read", title, .failed,
                    cause: "HTTP 403 \(error.serviceErrorCode ?? "Forbidden")\(error.innerErrorCode.map { "/\($0)" } ?? ""): \(identity) may not \(error.operation) \(kind) '\(name)'",
                    fix: "assign \(identity) the \"\(role)\" role on the vault: az role assignment create --role \"\(role)\" --assignee \(assignee) --scope $(az keyvault show -n \(vaultName) --query id -o tsv); on a vault with access policies: az keyvault set-policy -n \(vaultName) --\(kind == .certificate ? "certificate" : kind.description)-permissions \(permissions) --spn \(assignee)",
                    object: object.index)
            case .notFound:
                add(.object, "object.read", title, .failed,
                    cause: "HTTP 404 \(error.serviceErrorCode ?? "NotFound"): \(kind) '\(name)' version \(versionText) is not in vault \(vaultName)",
                    fix: "check objectName, objectType and objectVersion against az keyvault \(kind == .certificate ? "certificate" : kind.description) list-versions --vault-name \(vaultName) --name \(name) -o table (a certificate's private key is objectType: secret); a deleted object must be recovered first",
                    object: object.index)
            case .unauthorized:
                add(.object, "object.read", title, .failed, cause: error.description,
                    fix: "Key Vault refused the token: tenantID must be the vault's tenant and cloudName the vault's cloud", object: object.index)
            case .throttled:
                add(.object, "object.read", title, .failed, cause: error.description, fix: "Key Vault is throttling this vault: retry later, or read less often", object: object.index)
            default:
                add(.object, "object.read", title, .failed, cause: error.description, fix: error.recommendation ?? "check the vault and the object", object: object.index)
            }
        } catch let error as SecretsStoreProviderError {
            add(.object, "object.read", title, .failed, cause: error.message,
                fix: "set objectVersion to one of the object's enabled versions, or remove it (az keyvault \(kind == .certificate ? "certificate" : kind.description) list-versions --vault-name \(vaultName) --name \(name))",
                object: object.index)
        } catch let error as IdentityError {
            add(.object, "object.read", title, .failed, cause: error.description,
                fix: error.code == .tenantNotAllowed ? "tenantID must be the vault's tenant (step 4)" : Self.identityFix(error, tenantHint: ""), object: object.index)
        } catch {
            add(.object, "object.read", title, .failed, cause: Self.describe(error),
                fix: "the node must reach the vault: check DNS, the vault's firewall and proxies", object: object.index)
        }
        return nil
    }

    // MARK: 6. Conversions

    /// Converts one object and records the step; returns the converted size.
    mutating func convert(_ object: ValidatedKeyVaultObject, _ fetched: Fetched) -> Int? {
        let title = "\(object.type.rawValue) '\(object.source.objectName)'"
        do {
            switch fetched {
            case .secret(let bundle):
                let bytes = try ObjectConverter.convert(
                    secret: bundle, format: object.format, encoding: object.encoding,
                    constructPEMChain: configuration.constructPEMChain, logger: configuration.logger
                )
                let certificateBacked = bundle.kid?.isEmpty == false
                var detail = "content type \(bundle.contentType?.nonEmpty ?? "none")"
                if certificateBacked {
                    if object.format == .pfx {
                        detail += ", PKCS#12 written as PFX"
                    } else {
                        let text = String(decoding: bytes, as: UTF8.self)
                        let certificates = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
                        detail += ", private key and \(certificates) certificate\(certificates == 1 ? "" : "s") (PKCS#8 + chain)"
                    }
                } else {
                    detail += ", encoding \(object.encoding.rawValue)"
                }
                add(.conversion, "conversion", title, .passed, detail: detail + ", \(bytes.count) bytes", object: object.index)
                return bytes.count
            case .key(let bundle):
                let bytes = try ObjectConverter.convert(key: bundle)
                let jwk = bundle.key
                add(.conversion, "conversion", title, .passed,
                    detail: "kty \(jwk?.kty ?? "?")\(jwk?.crv.map { " \($0)" } ?? "") as a PUBLIC KEY PEM, \(bytes.count) bytes", object: object.index)
                return bytes.count
            case .certificate(let bundle):
                let bytes = try ObjectConverter.convert(certificate: bundle)
                add(.conversion, "conversion", title, .passed, detail: "leaf certificate as PEM, \(bytes.count) bytes", object: object.index)
                return bytes.count
            }
        } catch {
            let conversion = error as? ConversionError
            let fix: String
            switch conversion?.code {
            case .some(.unsupportedKeyType), .some(.unsupportedCurve):
                fix = "only RSA and EC keys (P-256, P-384, P-521, P-256K) can be written as a public key: keep symmetric material in a secret, or remove this object"
            case .some(.missingContentType), .some(.unknownContentType):
                fix = "a certificate's secret needs content type application/x-pkcs12 or application/x-pem-file: re-import the certificate (az keyvault certificate import)"
            case .some(.invalidPKCS12), .some(.incorrectPKCS12Password), .some(.unsupportedPKCS12Algorithm):
                fix = "the certificate's PKCS#12 cannot be read: re-import it as a PKCS#12 without a password (openssl pkcs12 -export ... -passout pass:)"
            case .some(.invalidBase64), .some(.invalidHex):
                fix = "the value is not \(object.encoding.rawValue): remove objectEncoding, or store the value \(object.encoding.rawValue)-encoded"
            case .some(.unsupportedConversion):
                fix = "objectFormat: pfx needs a certificate-backed secret with its private key"
            default:
                fix = "check the object's value and content type in Key Vault"
            }
            add(.conversion, "conversion", title, .failed,
                cause: "failed to get objectType:\(object.source.objectType), objectName:\(object.source.objectName), objectVersion:\(object.source.objectVersion): \(Self.describe(error))",
                fix: fix, object: object.index)
            return nil
        }
    }

    // MARK: 7. Target

    /// A byte count as B, KiB, MiB or GiB.
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    mutating func checkTarget(_ target: String, needed: Int?) {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        var existing = URL(fileURLWithPath: target).standardizedFileURL
        let exists = fileManager.fileExists(atPath: existing.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            add(.target, "target.writable", "target \(target)", .failed, cause: "it is a file, not a directory", fix: "choose a directory for --target")
            return
        }
        while !fileManager.fileExists(atPath: existing.path) && existing.path != "/" {
            existing.deleteLastPathComponent()
        }
        if fileManager.isWritableFile(atPath: existing.path) {
            add(.target, "target.writable", "target \(target)", .passed,
                detail: exists ? "a writable directory" : "does not exist yet; \(existing.path) is writable, so it can be created")
        } else {
            add(.target, "target.writable", "target \(target)", .failed, cause: "\(existing.path) is not writable by this user",
                fix: "run as a user that can write \(existing.path), or choose another --target")
            return
        }
        let free = (try? fileManager.attributesOfFileSystem(forPath: existing.path))?[.systemFreeSize] as? NSNumber
        guard let free else {
            add(.target, "target.space", "free space at \(existing.path)", .passed, detail: "unknown")
            return
        }
        let available = free.int64Value
        // The atomic writer keeps the old and the new data directory side by side until the swap.
        let required = Int64((needed ?? 0) * 2 + 64 * 1024)
        let text = "\(Self.size(available)) free, " + (needed.map { "\(Self.size(Int64($0))) of files, twice that during a swap" } ?? "file size unknown")
        if available < required {
            add(.target, "target.space", "free space at \(existing.path)", .failed, detail: text,
                cause: "not enough free space for the files", fix: "free space on the target's file system or choose another --target")
        } else {
            add(.target, "target.space", "free space at \(existing.path)", .passed, detail: text)
        }
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}

import AzureCoreTesting
import Foundation
import KeyVaultCore
public import Logging
import X509

/// An in-process Azure Key Vault data plane for tests: vaults by name, secrets, keys and certificates with
/// versions, the real JSON shapes and error bodies, challenge-based authentication, RBAC role assignments or
/// access policies, throttling and request counters.
///
/// ## Addressing a vault
/// A real vault lives at `https://<name>.vault.azure.net`; on loopback every vault gets **its own HTTPS port**
/// instead, so that the object IDs Key Vault returns (`https://<host>/secrets/<name>/<version>`) keep the shape
/// clients parse. After ``start(certificateAuthority:host:)``, ``vaultURL(_:)`` gives `https://127.0.0.1:<port>`
/// for a vault name; configure the client with that URL as the vault URL override, trust the test CA, and turn
/// challenge-resource verification off (the host is not a `*.vault.azure.net` name).
///
/// ## Authentication
/// Without a bearer token a request gets `401` with
/// `WWW-Authenticate: Bearer authorization="<authorityHost>/<tenant>", resource="<resource>"`. A token is
/// checked by the injected ``TokenVerifier`` (signature), then for audience, expiry and tenant, and the caller's
/// `oid` must hold a role (``KeyVaultRole``) or an access policy (``KeyVaultAccessPolicy``) that allows the
/// operation, otherwise `403` with Key Vault's `ForbiddenByRbac` or `AccessDenied` body.
///
/// Tests can also call ``handle(_:vault:)`` directly, without a socket.
public actor KeyVaultEmulator {
    /// Checks a bearer token's signature and returns its claims; throws when the token is not valid.
    public typealias TokenVerifier = @Sendable (String) async throws -> KeyVaultAccessTokenClaims

    /// Settings shared by all vaults of one emulator.
    public struct Configuration: Sendable {
        /// The authority put in the challenge's `authorization` parameter, followed by `/<tenant>`
        /// (the Entra emulator's base URL in tests).
        public var authorityHost: URL
        /// The Key Vault resource: the challenge's `resource` and the token audience expected.
        public var resource: String
        /// When `false`, requests are served without any token (no challenge, no access checks).
        public var requireAuthentication: Bool
        /// The subscription ID used in the resource paths of `ForbiddenByRbac` messages.
        public var subscriptionID: String
        /// The resource group used in the resource paths of `ForbiddenByRbac` messages.
        public var resourceGroup: String
        /// The location shown in error messages and the `x-ms-keyvault-region` header.
        public var location: String

        /// Creates a configuration.
        /// - Parameters:
        ///   - authorityHost: The authority for the challenge (default `https://login.microsoftonline.com`).
        ///   - resource: The Key Vault resource (default `https://vault.azure.net`).
        ///   - requireAuthentication: Whether a token is required (default `true`).
        ///   - subscriptionID: The subscription in resource paths.
        ///   - resourceGroup: The resource group in resource paths.
        ///   - location: The location in messages and headers.
        public init(
            authorityHost: URL = URL(string: "https://login.microsoftonline.com")!,
            resource: String = "https://vault.azure.net",
            requireAuthentication: Bool = true,
            subscriptionID: String = "00000000-0000-0000-0000-000000000000",
            resourceGroup: String = "emulator-rg",
            location: String = "westeurope"
        ) {
            self.authorityHost = authorityHost
            self.resource = resource
            self.requireAuthentication = requireAuthentication
            self.subscriptionID = subscriptionID
            self.resourceGroup = resourceGroup
            self.location = location
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// The fault injector every vault's router applies (latency, scripted statuses, dropped connections).
    public nonisolated let faultInjector: FaultInjector
    let tokenVerifier: TokenVerifier?
    let now: @Sendable () -> Date
    let logger: Logger
    var vaults: [String: VaultState] = [:]
    var servers: [String: LoopbackHTTPSServer] = [:]
    var servingAuthority: TestCertificateAuthority?
    var servingHost = "127.0.0.1"

    /// Creates an emulator with no vaults.
    /// - Parameters:
    ///   - configuration: Shared settings.
    ///   - tokenVerifier: Verifies a token's signature and returns its claims (for example the Entra emulator's).
    ///     Required when ``Configuration/requireAuthentication`` is on; without one every token is rejected.
    ///   - faultInjector: The fault injector applied to served requests.
    ///   - now: The clock (token expiry, timestamps, throttling windows).
    ///   - logger: The logger; secret values and tokens are never logged.
    public init(
        configuration: Configuration = Configuration(),
        tokenVerifier: TokenVerifier?,
        faultInjector: FaultInjector = FaultInjector(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.configuration = configuration
        self.tokenVerifier = tokenVerifier
        self.faultInjector = faultInjector
        self.now = now
        self.logger = logger
    }

    // MARK: Vaults

    /// Adds a vault; when the emulator is serving, its HTTPS listener starts at once.
    /// - Parameters:
    ///   - name: The vault name (as in `https://<name>.vault.azure.net`).
    ///   - tenantID: The tenant the vault belongs to: the challenge names it and tokens must come from it.
    ///   - permissionModel: RBAC (default) or access policies.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultExists` or `invalidArgument`.
    public func addVault(name: String, tenantID: String, permissionModel: KeyVaultPermissionModel = .rbac) async throws {
        guard Self.isValidVaultName(name) else {
            throw KeyVaultEmulatorError(
                code: .invalidArgument, vault: name,
                message: "a vault name has 3-24 characters: letters, digits and dashes, starting with a letter")
        }
        guard vaultKey(name) == nil else {
            throw KeyVaultEmulatorError(code: .vaultExists, vault: name, message: "the vault exists already")
        }
        vaults[name] = VaultState(name: name, tenantID: tenantID, permissionModel: permissionModel)
        if let authority = servingAuthority {
            try await startServer(vault: name, certificateAuthority: authority)
        }
    }

    /// The names of the vaults.
    public var vaultNames: [String] { vaults.keys.sorted() }

    /// The base URL a client uses for a vault (`https://127.0.0.1:<port>`), once serving.
    /// - Parameter name: The vault name.
    /// - Returns: The URL, or `nil` when the vault does not exist or the emulator is not serving.
    public func vaultURL(_ name: String) -> URL? {
        vaultKey(name).flatMap { servers[$0]?.baseURL }
    }

    /// The tenant of a vault.
    /// - Parameter vault: The vault name.
    /// - Returns: The tenant ID, or `nil` when no such vault exists.
    public func tenantID(ofVault vault: String) -> String? {
        vaultKey(vault).flatMap { vaults[$0]?.tenantID }
    }

    // MARK: Secrets

    /// Adds a new version of a secret.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The secret name.
    ///   - value: The value.
    ///   - contentType: The content type, if any.
    ///   - enabled: Whether the version is enabled.
    ///   - tags: Tags.
    /// - Returns: The new version's ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `invalidArgument`.
    @discardableResult
    public func setSecret(
        vault: String, name: String, value: String, contentType: String? = nil, enabled: Bool = true,
        tags: [String: String] = [:]
    ) throws -> String {
        try mutateVault(vault) { state in
            try Self.checkObjectName(name, vault: vault)
            let stamp = Int64(now().timeIntervalSince1970)
            let version = Self.newVersion()
            let key = state.canonicalName(name, in: state.secrets) ?? name
            state.secrets[key, default: []].append(
                SecretRecord(
                    version: version, value: value, contentType: contentType, enabled: enabled, created: stamp,
                    updated: stamp, notBefore: nil, expires: nil, tags: tags, keyPath: nil, managed: false))
            return version
        }
    }

    /// The versions of a secret, oldest first.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The secret name.
    /// - Returns: The version IDs (empty when the secret does not exist).
    public func secretVersions(vault: String, name: String) -> [String] {
        guard let key = vaultKey(vault), let state = vaults[key], let canonical = state.canonicalName(name, in: state.secrets)
        else { return [] }
        return state.secrets[canonical]?.map(\.version) ?? []
    }

    // MARK: Keys

    /// Generates a key and stores it as a new version.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The key name.
    ///   - spec: RSA size or EC curve.
    ///   - tags: Tags.
    /// - Returns: The new version's ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `invalidArgument`.
    @discardableResult
    public func createKey(vault: String, name: String, spec: KeyVaultKeySpec, tags: [String: String] = [:]) throws
        -> String
    {
        try Self.checkObjectName(name, vault: vault)
        let generated = try KeyMaterial.generate(spec)
        var jwk = try KeyMaterial.jwk(for: generated.publicKey)
        let kty = jwk["kty"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "RSA"
        jwk["key_ops"] = .array(KeyMaterial.defaultKeyOperations(kty: kty).map { .string($0) })
        return try storeKey(vault: vault, name: name, jwk: jwk, privateKey: generated.pkcs8DER, tags: tags, managed: false)
    }

    /// Stores a public JWK as a new key version, for key types the emulator cannot generate (P-256K, made by
    /// the `openssl` command line, for instance).
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The key name.
    ///   - jwk: The JWK fields as strings (`kty`, `n`, `e` or `crv`, `x`, `y`; base64url); private fields are
    ///     dropped.
    ///   - keyOperations: The `key_ops` to report.
    /// - Returns: The new version's ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `invalidArgument` (no `kty`).
    @discardableResult
    public func importKey(
        vault: String, name: String, jwk: [String: String], keyOperations: [String] = ["sign", "verify"]
    ) throws -> String {
        try Self.checkObjectName(name, vault: vault)
        guard jwk["kty"] != nil else {
            throw KeyVaultEmulatorError(code: .invalidArgument, vault: vault, object: "keys/\(name)", message: "the JWK has no kty")
        }
        let privateFields: Set<String> = ["d", "dp", "dq", "qi", "p", "q", "k", "key_hsm"]
        var fields: [String: JSONValue] = [:]
        for (field, value) in jwk where !privateFields.contains(field) && field != "kid" && field != "key_ops" {
            fields[field] = .string(value)
        }
        fields["key_ops"] = .array(keyOperations.map { .string($0) })
        return try storeKey(vault: vault, name: name, jwk: fields, privateKey: nil, tags: [:], managed: false)
    }

    func storeKey(
        vault: String, name: String, jwk: [String: JSONValue], privateKey: Data?, tags: [String: String], managed: Bool,
        version: String = KeyVaultEmulator.newVersion()
    ) throws -> String {
        try mutateVault(vault) { state in
            let stamp = Int64(now().timeIntervalSince1970)
            let key = state.canonicalName(name, in: state.keys) ?? name
            state.keys[key, default: []].append(
                KeyRecord(
                    version: version, jwk: jwk, privateKeyPKCS8: privateKey, enabled: true, created: stamp,
                    updated: stamp, notBefore: nil, expires: nil, tags: tags, managed: managed))
            return version
        }
    }

    // MARK: Enabling and disabling

    /// Enables or disables one version of an object (for a certificate, also its key and secret, as Key Vault
    /// does).
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - kind: The object kind.
    ///   - name: The object name.
    ///   - version: The version, or `nil` for the latest.
    ///   - enabled: The new state.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `objectNotFound`.
    public func setEnabled(
        vault: String, kind: KeyVaultObjectKind, name: String, version: String? = nil, enabled: Bool
    ) throws {
        try mutateVault(vault) { state in
            let stamp = Int64(now().timeIntervalSince1970)
            func update<T>(
                _ table: inout [String: [T]], _ version: String?, _ versionOf: (T) -> String, _ set: (inout T) -> Void
            ) throws {
                let key = table[name] != nil
                    ? name : table.keys.first { $0.caseInsensitiveCompare(name) == .orderedSame }
                guard let key, var list = table[key],
                    let index = version.map({ v in list.firstIndex { versionOf($0) == v } }) ?? list.indices.last
                else {
                    throw KeyVaultEmulatorError(
                        code: .objectNotFound, vault: vault, object: "\(kind.collection)/\(name)/\(version ?? "")",
                        message: "no such object version")
                }
                set(&list[index])
                table[key] = list
            }
            switch kind {
            case .secret:
                try update(&state.secrets, version, \.version) { $0.enabled = enabled; $0.updated = stamp }
            case .key:
                try update(&state.keys, version, \.version) { $0.enabled = enabled; $0.updated = stamp }
            case .certificate:
                var certificateVersion = version
                try update(&state.certificates, version, \.version) {
                    $0.enabled = enabled
                    $0.updated = stamp
                    certificateVersion = $0.version
                }
                let v = certificateVersion
                try? update(&state.secrets, v, \.version) { $0.enabled = enabled; $0.updated = stamp }
                try? update(&state.keys, v, \.version) { $0.enabled = enabled; $0.updated = stamp }
            }
        }
    }

    /// Disables one version of a secret.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - secret: The secret name.
    ///   - version: The version, or `nil` for the latest.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `objectNotFound`.
    public func disable(vault: String, secret: String, version: String? = nil) throws {
        try setEnabled(vault: vault, kind: .secret, name: secret, version: version, enabled: false)
    }

    // MARK: Access

    /// Assigns a data-plane role to an identity on a vault (RBAC permission model).
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - principalObjectID: The identity's object ID (`oid`).
    ///   - role: The role, for example ``KeyVaultRole/secretsUser``.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`.
    public func assignRole(vault: String, principalObjectID: String, role: KeyVaultRole) throws {
        try mutateVault(vault) { state in
            let key = principalObjectID.lowercased()
            if !(state.roleAssignments[key] ?? []).contains(role) { state.roleAssignments[key, default: []].append(role) }
        }
    }

    /// Removes every role assignment of an identity on a vault.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - principalObjectID: The identity's object ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`.
    public func removeRoleAssignments(vault: String, principalObjectID: String) throws {
        try mutateVault(vault) { state in state.roleAssignments[principalObjectID.lowercased()] = nil }
    }

    /// Sets (replaces) the access policy entry of an identity (access-policy permission model).
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - policy: The entry.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`.
    public func setAccessPolicy(vault: String, _ policy: KeyVaultAccessPolicy) throws {
        try mutateVault(vault) { state in state.accessPolicies[policy.objectID.lowercased()] = policy }
    }

    /// Switches a vault between RBAC and access policies.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - model: The permission model.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`.
    public func setPermissionModel(vault: String, _ model: KeyVaultPermissionModel) throws {
        try mutateVault(vault) { state in state.permissionModel = model }
    }

    // MARK: Throttling and counters

    /// Sets or clears a vault's request budget.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - throttling: The budget, or `nil` for none.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`.
    public func setThrottling(vault: String, _ throttling: KeyVaultThrottling?) throws {
        try mutateVault(vault) { state in
            state.throttling = throttling
            state.windowStart = nil
            state.windowCount = 0
        }
    }

    /// The request counters of a vault.
    /// - Parameter vault: The vault name.
    /// - Returns: The counters (zero when the vault does not exist).
    public func counters(vault: String) -> KeyVaultRequestCounters {
        vaultKey(vault).flatMap { vaults[$0]?.counters } ?? KeyVaultRequestCounters()
    }

    /// Resets the request counters of a vault.
    /// - Parameter vault: The vault name.
    public func resetCounters(vault: String) {
        if let key = vaultKey(vault) { vaults[key]?.counters = KeyVaultRequestCounters() }
    }

    // MARK: Helpers

    func vaultKey(_ name: String) -> String? {
        if vaults[name] != nil { return name }
        return vaults.keys.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    func mutateVault<T>(_ name: String, _ body: (inout VaultState) throws -> T) throws -> T {
        guard let key = vaultKey(name), var state = vaults[key] else {
            throw KeyVaultEmulatorError(code: .vaultNotFound, vault: name, message: "no vault with this name")
        }
        let result = try body(&state)
        vaults[key] = state
        return result
    }

    static func newVersion() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func isValidVaultName(_ name: String) -> Bool {
        guard (3...24).contains(name.count), let first = name.first, first.isASCII, first.isLetter else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && !name.contains("--")
            && name.last != "-"
    }

    static func isValidObjectName(_ name: String) -> Bool {
        (1...127).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    static func checkObjectName(_ name: String, vault: String) throws {
        guard isValidObjectName(name) else {
            throw KeyVaultEmulatorError(
                code: .invalidArgument, vault: vault, object: name,
                message: "an object name has 1-127 characters: letters, digits and dashes")
        }
    }
}

import Foundation

/// What ``AzureEmulators`` starts with: tenants (applications, managed identities, federated credentials) and
/// vaults (secrets, keys, certificates, role assignments, access policies). Decodes from JSON (or YAML with any
/// `Decoder`); every list may be omitted.
///
/// ```json
/// {"tenants": [{"id": "<tenant>",
///               "applications": [{"clientId": "...", "objectId": "...", "secret": "..."}],
///               "managedIdentities": [{"clientId": "...", "objectId": "...", "resourceId": "...", "systemAssigned": false}],
///               "federatedCredentials": [{"clientId": "...", "namespace": "default", "serviceAccount": "workload-identity-sa"}]}],
///  "vaults": [{"name": "kv", "tenantId": "<tenant>", "permissionModel": "rbac",
///              "secrets": [{"name": "secret1", "value": "v1"}, {"name": "secret1", "value": "v2"}],
///              "keys": [{"name": "key1", "kty": "RSA", "size": 2048}, {"name": "ec1", "kty": "EC", "curve": "P-256"}],
///              "certificates": [{"name": "web", "subject": "web.example", "chainDepth": 3, "contentType": "application/x-pkcs12"},
///                               {"name": "imported", "pfxFile": "cert.pfx", "password": "pw"}],
///              "roleAssignments": [{"principalObjectId": "...", "role": "Key Vault Secrets User"}],
///              "accessPolicies": [{"objectId": "...", "secrets": ["get"]}],
///              "rateLimit": {"requestsPerWindow": 400, "windowSeconds": 1, "retryAfterSeconds": 1}}],
///  "keyVaultLatency": {"milliseconds": 20, "jitterMilliseconds": 5}}
/// ```
/// Repeated secret entries with one name become versions, oldest first.
public struct AzureEmulatorSeed: Sendable, Hashable, Codable {
    /// A tenant and its identities.
    public struct Tenant: Sendable, Hashable, Codable {
        /// The tenant ID.
        public var id: String
        /// Applications (service principals).
        public var applications: [Application]?
        /// Managed identities served by the IMDS emulator (also registered as applications, so that federated
        /// credentials can be attached to them, as for a user-assigned identity).
        public var managedIdentities: [ManagedIdentity]?
        /// Federated identity credentials (workload identity).
        public var federatedCredentials: [FederatedCredential]?

        /// Creates a tenant.
        /// - Parameters:
        ///   - id: The tenant ID.
        ///   - applications: Applications.
        ///   - managedIdentities: Managed identities.
        ///   - federatedCredentials: Federated credentials.
        public init(
            id: String, applications: [Application]? = nil, managedIdentities: [ManagedIdentity]? = nil,
            federatedCredentials: [FederatedCredential]? = nil
        ) {
            self.id = id
            self.applications = applications
            self.managedIdentities = managedIdentities
            self.federatedCredentials = federatedCredentials
        }
    }

    /// An application registration with its service principal.
    public struct Application: Sendable, Hashable, Codable {
        /// A label for people.
        public var name: String?
        /// The application (client) ID.
        public var clientID: String
        /// The service principal's object ID (`oid`).
        public var objectID: String
        /// A client secret, if any.
        public var secret: String?

        /// Creates an application.
        /// - Parameters:
        ///   - name: A label.
        ///   - clientID: The client ID.
        ///   - objectID: The object ID.
        ///   - secret: A client secret.
        public init(name: String? = nil, clientID: String, objectID: String, secret: String? = nil) {
            self.name = name
            self.clientID = clientID
            self.objectID = objectID
            self.secret = secret
        }

        private enum CodingKeys: String, CodingKey {
            case name, clientID = "clientId", objectID = "objectId", secret
        }
    }

    /// A managed identity on the emulated VM.
    public struct ManagedIdentity: Sendable, Hashable, Codable {
        /// A label for people.
        public var name: String?
        /// The client ID.
        public var clientID: String
        /// The object (principal) ID.
        public var objectID: String
        /// The ARM resource ID (user-assigned identities).
        public var resourceID: String?
        /// Whether it is the VM's system-assigned identity.
        public var systemAssigned: Bool?

        /// Creates a managed identity.
        /// - Parameters:
        ///   - name: A label.
        ///   - clientID: The client ID.
        ///   - objectID: The object ID.
        ///   - resourceID: The resource ID.
        ///   - systemAssigned: Whether it is system-assigned.
        public init(
            name: String? = nil, clientID: String, objectID: String, resourceID: String? = nil,
            systemAssigned: Bool? = nil
        ) {
            self.name = name
            self.clientID = clientID
            self.objectID = objectID
            self.resourceID = resourceID
            self.systemAssigned = systemAssigned
        }

        private enum CodingKeys: String, CodingKey {
            case name, clientID = "clientId", objectID = "objectId", resourceID = "resourceId", systemAssigned
        }
    }

    /// A federated identity credential: tokens of a Kubernetes service account may be exchanged for the
    /// application's (or managed identity's) token.
    public struct FederatedCredential: Sendable, Hashable, Codable {
        /// The client ID the credential belongs to.
        public var clientID: String
        /// The service account's namespace.
        public var namespace: String
        /// The service account's name.
        public var serviceAccount: String
        /// The issuer; omitted means the OIDC issuer emulator's.
        public var issuer: String?
        /// The audience; omitted means `api://AzureADTokenExchange`.
        public var audience: String?

        /// Creates a federated credential.
        /// - Parameters:
        ///   - clientID: The client ID.
        ///   - namespace: The namespace.
        ///   - serviceAccount: The service account.
        ///   - issuer: The issuer (default: the OIDC emulator).
        ///   - audience: The audience.
        public init(
            clientID: String, namespace: String, serviceAccount: String, issuer: String? = nil, audience: String? = nil
        ) {
            self.clientID = clientID
            self.namespace = namespace
            self.serviceAccount = serviceAccount
            self.issuer = issuer
            self.audience = audience
        }

        /// `system:serviceaccount:<namespace>:<serviceAccount>`.
        public var subject: String { "system:serviceaccount:\(namespace):\(serviceAccount)" }

        private enum CodingKeys: String, CodingKey {
            case clientID = "clientId", namespace, serviceAccount, issuer, audience
        }
    }

    /// A vault and its contents.
    public struct Vault: Sendable, Hashable, Codable {
        /// The vault name.
        public var name: String
        /// The tenant the vault trusts.
        public var tenantID: String
        /// `rbac` (default) or `accessPolicies`.
        public var permissionModel: KeyVaultPermissionModel?
        /// Secrets; repeated names are versions, oldest first.
        public var secrets: [Secret]?
        /// Keys.
        public var keys: [Key]?
        /// Certificates.
        public var certificates: [CertificateSeed]?
        /// Role assignments.
        public var roleAssignments: [RoleAssignment]?
        /// Access policies.
        public var accessPolicies: [AccessPolicy]?
        /// A rate limit: once a window's requests are spent, the vault answers 429 with `Retry-After`.
        public var rateLimit: RateLimit?

        /// Creates a vault.
        /// - Parameters:
        ///   - name: The name.
        ///   - tenantID: The tenant.
        ///   - permissionModel: The permission model.
        ///   - secrets: Secrets.
        ///   - keys: Keys.
        ///   - certificates: Certificates.
        ///   - roleAssignments: Role assignments.
        ///   - accessPolicies: Access policies.
        public init(
            name: String, tenantID: String, permissionModel: KeyVaultPermissionModel? = nil, secrets: [Secret]? = nil,
            keys: [Key]? = nil, certificates: [CertificateSeed]? = nil, roleAssignments: [RoleAssignment]? = nil,
            accessPolicies: [AccessPolicy]? = nil
        ) {
            self.name = name
            self.tenantID = tenantID
            self.permissionModel = permissionModel
            self.secrets = secrets
            self.keys = keys
            self.certificates = certificates
            self.roleAssignments = roleAssignments
            self.accessPolicies = accessPolicies
        }

        private enum CodingKeys: String, CodingKey {
            case name, tenantID = "tenantId", permissionModel, secrets, keys, certificates, roleAssignments, accessPolicies, rateLimit
        }
    }

    /// A vault's rate limit (`{"requestsPerWindow": 400, "windowSeconds": 1, "retryAfterSeconds": 1}`).
    public struct RateLimit: Sendable, Hashable, Codable {
        /// Requests answered per window before 429s.
        public var requestsPerWindow: Int
        /// The window, in seconds (default 10, as Key Vault's).
        public var windowSeconds: Double?
        /// The `Retry-After` sent with each 429 (none when absent).
        public var retryAfterSeconds: Int?
        /// Whether each 429 tells the rest of the window in `x-ms-retry-after-ms` (see
        /// ``KeyVaultThrottling/tellsWindowRemainder``); absent means no.
        public var tellsWindowRemainder: Bool?

        /// Creates a rate limit.
        public init(requestsPerWindow: Int, windowSeconds: Double? = nil, retryAfterSeconds: Int? = nil, tellsWindowRemainder: Bool? = nil) {
            self.requestsPerWindow = requestsPerWindow
            self.windowSeconds = windowSeconds
            self.retryAfterSeconds = retryAfterSeconds
            self.tellsWindowRemainder = tellsWindowRemainder
        }
    }

    /// The Key Vault emulator's latency (`{"milliseconds": 20, "jitterMilliseconds": 5}`): added before every
    /// request, fixed or spread uniformly by the jitter.
    public struct Latency: Sendable, Hashable, Codable {
        /// The latency (the mean with a jitter), in milliseconds.
        public var milliseconds: Double
        /// The half-width of the uniform spread, in milliseconds.
        public var jitterMilliseconds: Double?

        /// Creates a latency.
        public init(milliseconds: Double, jitterMilliseconds: Double? = nil) {
            self.milliseconds = milliseconds
            self.jitterMilliseconds = jitterMilliseconds
        }
    }

    /// One secret version.
    public struct Secret: Sendable, Hashable, Codable {
        /// The name.
        public var name: String
        /// The value.
        public var value: String
        /// The content type.
        public var contentType: String?
        /// Whether the version is enabled (default `true`).
        public var enabled: Bool?
        /// Tags.
        public var tags: [String: String]?

        /// Creates a secret version.
        /// - Parameters:
        ///   - name: The name.
        ///   - value: The value.
        ///   - contentType: The content type.
        ///   - enabled: Whether enabled.
        ///   - tags: Tags.
        public init(
            name: String, value: String, contentType: String? = nil, enabled: Bool? = nil, tags: [String: String]? = nil
        ) {
            self.name = name
            self.value = value
            self.contentType = contentType
            self.enabled = enabled
            self.tags = tags
        }
    }

    /// A generated key.
    public struct Key: Sendable, Hashable, Codable {
        /// The name.
        public var name: String
        /// `RSA` or `EC`.
        public var kty: String
        /// RSA size in bits (default 2048).
        public var size: Int?
        /// EC curve (default `P-256`).
        public var curve: String?

        /// Creates a key.
        /// - Parameters:
        ///   - name: The name.
        ///   - kty: `RSA` or `EC`.
        ///   - size: RSA bits.
        ///   - curve: EC curve.
        public init(name: String, kty: String, size: Int? = nil, curve: String? = nil) {
            self.name = name
            self.kty = kty
            self.size = size
            self.curve = curve
        }
    }

    /// A certificate: generated (`subject`, `chainDepth`, ...) or imported (`pfxFile` or `pemFile`, relative to
    /// the seed file's folder).
    public struct CertificateSeed: Sendable, Hashable, Codable {
        /// The name.
        public var name: String
        /// The leaf's common name (generated certificates).
        public var subject: String?
        /// DNS names (generated certificates).
        public var dnsNames: [String]?
        /// Certificates in the generated chain, 1 (self-signed) to 5; default 1.
        public var chainDepth: Int?
        /// The leaf key type, `RSA` (default) or `EC`.
        public var kty: String?
        /// RSA size or EC curve of the leaf key.
        public var size: Int?
        /// EC curve of the leaf key (default `P-256`).
        public var curve: String?
        /// The backing secret's content type (`application/x-pkcs12` or `application/x-pem-file`).
        public var contentType: String?
        /// A PKCS#12 file to import.
        public var pfxFile: String?
        /// The PKCS#12 file's password.
        public var password: String?
        /// A PEM file (private key and certificates) to import.
        public var pemFile: String?

        /// Creates a certificate entry.
        /// - Parameters:
        ///   - name: The name.
        ///   - subject: The common name of a generated leaf.
        ///   - dnsNames: DNS names.
        ///   - chainDepth: Chain length.
        ///   - kty: Key type.
        ///   - size: RSA size.
        ///   - curve: EC curve.
        ///   - contentType: Secret content type.
        ///   - pfxFile: A PFX to import.
        ///   - password: Its password.
        ///   - pemFile: A PEM to import.
        public init(
            name: String, subject: String? = nil, dnsNames: [String]? = nil, chainDepth: Int? = nil,
            kty: String? = nil, size: Int? = nil, curve: String? = nil, contentType: String? = nil,
            pfxFile: String? = nil, password: String? = nil, pemFile: String? = nil
        ) {
            self.name = name
            self.subject = subject
            self.dnsNames = dnsNames
            self.chainDepth = chainDepth
            self.kty = kty
            self.size = size
            self.curve = curve
            self.contentType = contentType
            self.pfxFile = pfxFile
            self.password = password
            self.pemFile = pemFile
        }
    }

    /// A role assignment on a vault. In JSON the role is its built-in name (`"Key Vault Secrets User"`); an unknown
    /// name fails decoding and lists the known ones.
    public struct RoleAssignment: Sendable, Hashable, Codable {
        /// The identity's object ID.
        public var principalObjectID: String
        /// The built-in role.
        public var role: KeyVaultRole

        /// Creates a role assignment.
        /// - Parameters:
        ///   - principalObjectID: The object ID.
        ///   - role: The role, for example ``KeyVaultRole/secretsUser``.
        public init(principalObjectID: String, role: KeyVaultRole) {
            self.principalObjectID = principalObjectID
            self.role = role
        }

        private enum CodingKeys: String, CodingKey {
            case principalObjectID = "principalObjectId", role
        }

        /// Decodes an assignment whose role is a built-in role name.
        /// - Parameter decoder: The decoder.
        /// - Throws: `DecodingError.dataCorrupted` naming an unknown role and the known ones.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            principalObjectID = try container.decode(String.self, forKey: .principalObjectID)
            let name = try container.decode(String.self, forKey: .role)
            guard let role = KeyVaultRole.named(name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .role, in: container,
                    debugDescription: "unknown role '\(name)'; known: \(KeyVaultRole.builtIn.map(\.name).joined(separator: ", "))")
            }
            self.role = role
        }

        /// Encodes the assignment with the role's name.
        /// - Parameter encoder: The encoder.
        /// - Throws: Encoding errors.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(principalObjectID, forKey: .principalObjectID)
            try container.encode(role.name, forKey: .role)
        }
    }

    /// An access policy entry.
    public struct AccessPolicy: Sendable, Hashable, Codable {
        /// The identity's object ID.
        public var objectID: String
        /// Secret permissions.
        public var secrets: [String]?
        /// Key permissions.
        public var keys: [String]?
        /// Certificate permissions.
        public var certificates: [String]?

        /// Creates an access policy entry.
        /// - Parameters:
        ///   - objectID: The object ID.
        ///   - secrets: Secret permissions.
        ///   - keys: Key permissions.
        ///   - certificates: Certificate permissions.
        public init(objectID: String, secrets: [String]? = nil, keys: [String]? = nil, certificates: [String]? = nil) {
            self.objectID = objectID
            self.secrets = secrets
            self.keys = keys
            self.certificates = certificates
        }

        private enum CodingKeys: String, CodingKey {
            case objectID = "objectId", secrets, keys, certificates
        }
    }

    /// Tenants.
    public var tenants: [Tenant]
    /// Vaults.
    public var vaults: [Vault]
    /// The Key Vault emulator's latency, for measuring clients against a realistic round trip.
    public var keyVaultLatency: Latency?

    /// Creates a seed.
    /// - Parameters:
    ///   - tenants: Tenants.
    ///   - vaults: Vaults.
    ///   - keyVaultLatency: The Key Vault emulator's latency, if any.
    public init(tenants: [Tenant], vaults: [Vault], keyVaultLatency: Latency? = nil) {
        self.tenants = tenants
        self.vaults = vaults
        self.keyVaultLatency = keyVaultLatency
    }

    /// Decodes a JSON seed.
    /// - Parameter json: The JSON bytes.
    /// - Returns: The seed.
    /// - Throws: `DecodingError` when the document does not match.
    public static func decode(json: Data) throws -> AzureEmulatorSeed {
        try JSONDecoder().decode(AzureEmulatorSeed.self, from: json)
    }
}

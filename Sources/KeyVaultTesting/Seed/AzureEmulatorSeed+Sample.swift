extension AzureEmulatorSeed {
    /// The identifiers of the built-in sample seed (``sample``), so that demos and tests can fill the
    /// placeholders of the user's three SecretProviderClasses.
    public enum Sample {
        /// The tenant.
        public static let tenantID = "72f988bf-86f1-41af-91ab-000000000001"
        /// The vault name.
        public static let vaultName = "sample-kv"
        /// The Key Vault add-on's user-assigned identity (`azureKeyvaultSecretsProvider`), used by Service
        /// Connector (scenario 1) and by the user-assigned managed identity scenario (3).
        public static let addonIdentity = AzureEmulatorSeed.ManagedIdentity(
            name: "azurekeyvaultsecretsprovider-aks", clientID: "5b0a3c1e-0000-4000-8000-00000000a001",
            objectID: "5b0a3c1e-0000-4000-8000-00000000b001",
            resourceID:
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg_aks_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-aks"
        )
        /// A second user-assigned identity assigned to the node pool (scenario 3 with your own identity).
        public static let userAssignedIdentity = AzureEmulatorSeed.ManagedIdentity(
            name: "kv-reader-identity", clientID: "5b0a3c1e-0000-4000-8000-00000000a002",
            objectID: "5b0a3c1e-0000-4000-8000-00000000b002",
            resourceID:
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader-identity"
        )
        /// The workload identity (scenario 2): a user-assigned identity with a federated credential for
        /// `system:serviceaccount:default:workload-identity-sa`. It is not assigned to the VM.
        public static let workloadIdentity = AzureEmulatorSeed.Application(
            name: "workload-identity", clientID: "5b0a3c1e-0000-4000-8000-00000000a003",
            objectID: "5b0a3c1e-0000-4000-8000-00000000b003")
        /// The workload identity's service account namespace.
        public static let serviceAccountNamespace = "default"
        /// The workload identity's service account name.
        public static let serviceAccountName = "workload-identity-sa"
        /// A service principal with a client secret.
        public static let servicePrincipal = AzureEmulatorSeed.Application(
            name: "kv-service-principal", clientID: "5b0a3c1e-0000-4000-8000-00000000a004",
            objectID: "5b0a3c1e-0000-4000-8000-00000000b004", secret: "sample-service-principal-secret")
        /// An application with a secret and no access to the vault (for 403 tests).
        public static let unauthorizedApplication = AzureEmulatorSeed.Application(
            name: "no-access", clientID: "5b0a3c1e-0000-4000-8000-00000000a005",
            objectID: "5b0a3c1e-0000-4000-8000-00000000b005", secret: "sample-no-access-secret")
    }

    /// The built-in sample: one tenant with the identities of the user's three scenarios plus a service
    /// principal, and one RBAC vault holding `secret1` (two versions), `ExampleSecret`, an RSA key `key1`, an
    /// EC key `ec-key1`, a PKCS#12 certificate with a three-certificate chain `pkcs12-cert` and a PEM certificate
    /// `pem-cert`. Each identity except ``Sample/unauthorizedApplication`` holds Key Vault Secrets User and Key Vault
    /// Certificate User.
    public static var sample: AzureEmulatorSeed {
        let readers = [
            Sample.addonIdentity.objectID, Sample.userAssignedIdentity.objectID, Sample.workloadIdentity.objectID,
            Sample.servicePrincipal.objectID,
        ]
        return AzureEmulatorSeed(
            tenants: [
                Tenant(
                    id: Sample.tenantID,
                    applications: [Sample.workloadIdentity, Sample.servicePrincipal, Sample.unauthorizedApplication],
                    managedIdentities: [Sample.addonIdentity, Sample.userAssignedIdentity],
                    federatedCredentials: [
                        FederatedCredential(
                            clientID: Sample.workloadIdentity.clientID, namespace: Sample.serviceAccountNamespace,
                            serviceAccount: Sample.serviceAccountName)
                    ])
            ],
            vaults: [
                Vault(
                    name: Sample.vaultName, tenantID: Sample.tenantID, permissionModel: .rbac,
                    secrets: [
                        Secret(name: "secret1", value: "secret1 version 1", contentType: "text/plain"),
                        Secret(name: "secret1", value: "secret1 version 2", contentType: "text/plain"),
                        Secret(name: "ExampleSecret", value: "MyAKSExampleSecret"),
                    ],
                    keys: [Key(name: "key1", kty: "RSA", size: 2048), Key(name: "ec-key1", kty: "EC", curve: "P-256")],
                    certificates: [
                        CertificateSeed(
                            name: "pkcs12-cert", subject: "app.sample.example", dnsNames: ["app.sample.example"],
                            chainDepth: 3, kty: "RSA", contentType: KeyVaultEmulator.pkcs12ContentType),
                        CertificateSeed(
                            name: "pem-cert", subject: "pem.sample.example", dnsNames: ["pem.sample.example"],
                            chainDepth: 2, kty: "EC", contentType: KeyVaultEmulator.pemContentType),
                    ],
                    roleAssignments: readers.flatMap { oid in
                        [
                            RoleAssignment(principalObjectID: oid, role: .secretsUser),
                            RoleAssignment(principalObjectID: oid, role: .certificateUser),
                        ]
                    })
            ])
    }
}

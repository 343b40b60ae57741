// KeyVaultTesting: in-process emulators of Microsoft Entra ID (token endpoint per tenant), IMDS, a Kubernetes
// OIDC issuer and Azure Key Vault, served over loopback HTTPS with the test CA, loopback server and fault injection
// of AzureCoreTesting. For tests only: nothing in the libraries depends on this module.

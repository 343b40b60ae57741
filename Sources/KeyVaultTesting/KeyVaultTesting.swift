// KeyVaultTesting: in-process emulators of Microsoft Entra ID (token endpoint per tenant), IMDS, a Kubernetes
// OIDC issuer and Azure Key Vault, served over loopback HTTPS with a generated test CA (`Support/`), with fault
// injection for retry tests. For tests only: nothing in the libraries depends on this module.

// The Secrets Store CSI driver's provider server: gRPC on a Unix socket, until SIGTERM or SIGINT.
//
//   PROVIDER_SOCKET=/tmp/azure.sock swift run CSIProviderServer
import CSIProvider
import Foundation
import Logging
import SecretsStoreProvider
import ServiceLifecycle

// On a node the driver looks for /provider/azure.sock.
let socketPath = ProcessInfo.processInfo.environment["PROVIDER_SOCKET"] ?? "/provider/azure.sock"
let logger = Logger(label: "akv-csi-provider")
// One provider for every pod of the node: credentials, tokens and Key Vault challenges are shared.
let provider = KeyVaultProvider(configuration: ProviderConfiguration(logger: logger))
let server = CSIProviderServer(socketPath: socketPath, provider: provider, logger: logger)
// SIGTERM drains: new calls get `unavailable`, in-flight mounts finish, the socket is removed.
let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
try await group.run()
print("stopped")

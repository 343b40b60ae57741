import ArgumentParser
import AzureCore
import CSIProvider
import CommandSupport
import Foundation
import Logging
import Prometheus
import SecretsStoreProvider
import ServiceLifecycle
import UnixSignals

/// `akv-csi-provider`: the Azure Key Vault provider of the Secrets Store CSI driver, as a gRPC server on a Unix
/// socket, in place of the Go provider. Flags are named like the Go provider's.
struct AKVCSIProvider: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "akv-csi-provider",
        abstract: "Serve the Secrets Store CSI driver's provider API (v1alpha1) for Azure Key Vault on a Unix socket.",
        discussion: """
            The driver finds the socket at <provider-volume>/azure.sock (the DaemonSet mounts \
            /var/run/secrets-store-csi-providers at /provider and passes --endpoint=unix:///provider/azure.sock). \
            Boolean flags take Go's forms too: --construct-pem-chain=false, --log-format-json. Honours SSL_CERT_FILE, \
            AZURE_AUTHORITY_HOST and AZURE_POD_IDENTITY_AUTHORITY_HOST. SIGTERM or SIGINT stops it gracefully.
            """
    )

    @Option(name: .customLong("endpoint"), help: "The socket to serve on.")
    var endpoint = "unix:///tmp/azure.sock"

    @Option(name: .customLong("healthz-port"), help: "The port of the HTTP health endpoint (0 picks one).")
    var healthzPort = 8989

    @Option(name: .customLong("healthz-path"), help: "The path of the HTTP health endpoint.")
    var healthzPath = "/healthz"

    @Option(name: .customLong("healthz-timeout"), help: "How long a health check may take (for example 5s).")
    var healthzTimeout = "5s"

    @Option(name: .customLong("healthz-address"), help: "The address the HTTP health endpoint listens on.")
    var healthzAddress = "0.0.0.0"

    @Option(name: .customLong("log-format-json"), help: "Log one JSON object per line instead of logfmt text.")
    var logFormatJSON = false

    @Option(name: .customLong("construct-pem-chain"), help: "Order a certificate's chain leaf, intermediates, root.")
    var constructPEMChain = true

    @Option(name: .customLong("write-cert-and-key-in-separate-files"), help: "Also return <name>.crt and <name>.key for certificate-backed secrets.")
    var writeCertAndKeyInSeparateFiles = false

    @Option(name: .customLong("version"), help: "Print the version and exit.")
    var printVersion = false

    @Option(name: .customLong("ca-bundle"), help: "Extra trust roots (PEM); SSL_CERT_FILE is honoured too.")
    var caBundle: String?

    @Option(name: .customLong("grace-period"), help: "How long in-flight mounts may finish after SIGTERM (for example 10s).")
    var gracePeriod = "10s"

    @Option(name: .customLong("mount-timeout"), help: "The deadline of one mount (for example 2m).")
    var mountTimeout = "2m"

    @Option(name: .customLong("max-response-size"), help: "The largest Mount response in bytes (the driver's --max-call-recv-msg-size, default 4 MiB).")
    var maxResponseSize = 4 * 1024 * 1024

    @Option(name: .customLong("concurrency"), help: "Key Vault requests in flight per mount.")
    var concurrency = 8

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(name: .customLong("v"), help: "klog verbosity, mapped to a log level: 0-2 info, 3-4 debug, 5 or more trace.")
    var verbosity: Int?

    @Option(name: [.customLong("metrics-port"), .customLong("prometheus-port")], help: "The port of the Prometheus endpoint GET /metrics (0 picks one; --prometheus-port is the Go provider's name).")
    var metricsPort = 8898

    @Option(name: .customLong("metrics-address"), help: "The address the metrics endpoint listens on.")
    var metricsAddress = "0.0.0.0"

    @Option(name: .customLong("metrics-backend"), help: "Prometheus (the only backend, as in the Go provider).")
    var metricsBackend = "Prometheus"

    @Option(name: .customLong("object-cache-ttl"), help: "Serve a current version again to the same identity within this window without a Key Vault request (0 = off). A change in Key Vault appears up to one window later.")
    var objectCacheTTL = "0"

    @Option(name: .customLong("identity-cache-size"), help: "Most credentials kept (one per identity and proof).")
    var identityCacheSize = 1024

    @Option(name: .customLong("identity-cache-idle"), help: "How long an unused credential is kept.")
    var identityCacheIdle = "1h"

    @Option(name: .customLong("client-cache-size"), help: "Most Key Vault clients kept (one per identity and vault).")
    var clientCacheSize = 1024

    @Option(name: .customLong("client-cache-idle"), help: "How long an unused Key Vault client is kept.")
    var clientCacheIdle = "1h"

    @Option(name: .customLong("pinned-cache-size"), help: "Most pinned object versions kept.")
    var pinnedCacheSize = 4096

    @Option(name: .customLong("pinned-cache-idle"), help: "How long an unused pinned version is kept.")
    var pinnedCacheIdle = "24h"

    @Option(name: .customLong("object-cache-size"), help: "Most objects kept for the freshness window.")
    var objectCacheSize = 4096

    @Option(name: .customLong("object-cache-idle"), help: "How long an unused fresh object is kept.")
    var objectCacheIdle = "1h"

    @Option(name: .customLong("vault-url"), help: "Tests only: serve vault NAME from a loopback URL (NAME=URL, repeatable), for the emulators.")
    var vaultURLs: [String] = []

    func run() async throws {
        if printVersion {
            print("\(CSIProviderVersion.runtimeName) \(CSIProviderVersion.runtimeVersion) (API \(CSIProviderVersion.apiVersion))")
            return
        }
        let format: StructuredLogHandler.Format = logFormatJSON ? .json : .logfmt
        guard var level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level \(logLevel): expected trace, debug, info, notice, warning, error or critical")
        }
        if let verbosity { level = verbosity >= 5 ? .trace : verbosity >= 3 ? .debug : .info }
        var logger = Logger(label: "akv-csi-provider") { StructuredLogHandler(label: $0, format: format) }
        logger.logLevel = level

        let socketPath = try UnixSocketListener.path(fromEndpoint: endpoint)
        let healthTimeout = try duration(healthzTimeout, flag: "--healthz-timeout")
        let grace = try duration(gracePeriod, flag: "--grace-period")
        let deadline = try duration(mountTimeout, flag: "--mount-timeout")
        guard maxResponseSize > 0 else { throw ValidationError("--max-response-size must be positive") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        guard metricsBackend.lowercased() == "prometheus" else {
            throw ValidationError("--metrics-backend \(metricsBackend): unsupported metrics backend (Prometheus is the only one)")
        }
        let ttl: Duration = objectCacheTTL == "0" ? .zero : try duration(objectCacheTTL, flag: "--object-cache-ttl")
        let limits = ProviderCacheLimits(
            identities: CacheLimits(maximumEntries: identityCacheSize, idleTimeout: try duration(identityCacheIdle, flag: "--identity-cache-idle")),
            clients: CacheLimits(maximumEntries: clientCacheSize, idleTimeout: try duration(clientCacheIdle, flag: "--client-cache-idle")),
            pinnedVersions: CacheLimits(maximumEntries: pinnedCacheSize, idleTimeout: try duration(pinnedCacheIdle, flag: "--pinned-cache-idle")),
            freshObjects: CacheLimits(maximumEntries: objectCacheSize, idleTimeout: try duration(objectCacheIdle, flag: "--object-cache-idle"))
        )
        let registry = PrometheusCollectorRegistry()
        var metricsFactory = PrometheusMetricsFactory(registry: registry)
        // The Go provider's buckets, in seconds.
        let buckets: [Duration] = [0.1, 0.2, 0.3, 0.4, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10, 15, 30].map { .milliseconds(Int64($0 * 1000)) }
        metricsFactory.durationHistogramBuckets = ["keyvault_request": buckets, "grpc_request": buckets]
        for entry in vaultURLs {
            let url = entry.split(separator: "=", maxSplits: 1).last.flatMap { URL(string: String($0)) }
            guard let host = url?.host, LoopbackAddress.isLoopback(host) else {
                throw ValidationError("--vault-url \(entry): only loopback URLs (an emulator) can replace a vault; real vaults use DNS")
            }
        }

        let environment = ProcessInfo.processInfo.environment
        try await CommandSupport.withProviderConfiguration(
            environment: environment, caBundle: caBundle, vaultURLs: vaultURLs,
            // Always verified; `false` only takes effect for the loopback overrides above.
            verifyChallengeResource: vaultURLs.isEmpty, concurrency: concurrency, logger: logger
        ) { base in
            var configuration = base
            configuration.mountTimeout = deadline
            configuration.constructPEMChain = constructPEMChain
            configuration.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
            configuration.objectCacheTTL = ttl
            configuration.cacheLimits = limits
            configuration.metrics = ProviderMetrics(factory: metricsFactory)
            let provider = KeyVaultProvider(configuration: configuration)
            let server = CSIProviderServer(
                socketPath: socketPath, provider: provider,
                options: .init(mountTimeout: deadline, maximumResponseBytes: maxResponseSize),
                gracePeriod: grace, logger: logger
            )
            let healthz = HealthzEndpoint(
                host: healthzAddress, port: healthzPort, path: healthzPath, socketPath: socketPath, timeout: healthTimeout,
                logger: logger, onListening: { [logger] port in logger.info("health endpoint listening", metadata: ["port": "\(port)", "path": "\(healthzPath)"]) }
            )
            let metricsEndpoint = MetricsEndpoint(
                host: metricsAddress, port: metricsPort, registry: registry, logger: logger,
                onListening: { [logger] port in logger.info("metrics endpoint listening", metadata: ["port": "\(port)", "path": "/metrics"]) }
            )
            var groupConfiguration = ServiceGroupConfiguration(
                services: [.init(service: server), .init(service: healthz), .init(service: metricsEndpoint)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
            // A backstop: the server itself ends every mount when the grace period is over.
            groupConfiguration.maximumGracefulShutdownDuration = grace + .seconds(5)
            let group = ServiceGroup(configuration: groupConfiguration)
            logger.info(
                "starting",
                metadata: [
                    "version": "\(CSIProviderVersion.runtimeVersion)", "endpoint": "\(endpoint)",
                    "constructPEMChain": "\(constructPEMChain)", "writeCertAndKeyInSeparateFiles": "\(writeCertAndKeyInSeparateFiles)",
                    "objectCacheTTL": "\(ttl)",
                ]
            )
            do {
                try await group.run()
            } catch {
                logger.error("stopped with an error", metadata: ["error": "\(error)"])
                throw ExitCode.failure
            }
        }
        logger.info("exiting")
    }

    private func duration(_ text: String, flag: String) throws -> Duration {
        guard let value = CommandSupport.parseDuration(text) else {
            throw ValidationError("\(flag) \(text): expected a duration such as 5s, 2m or 500ms")
        }
        return value
    }
}

@main
enum Main {
    static func main() async {
        await AKVCSIProvider.main(GoStyleArguments.normalize(Array(CommandLine.arguments.dropFirst())))
    }
}

import ArgumentParser
import AzureCore
import CSIProvider
import CommandSupport
import Foundation
import Logging
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
        for entry in vaultURLs {
            let url = entry.split(separator: "=", maxSplits: 1).last.flatMap { URL(string: String($0)) }
            guard let host = url?.host, LoopbackAddress.isLoopback(host) else {
                throw ValidationError("--vault-url \(entry): only loopback URLs (an emulator) can replace a vault; real vaults use DNS")
            }
        }

        let environment = ProcessInfo.processInfo.environment
        var (configuration, transport) = try CommandSupport.providerConfiguration(
            environment: environment, caBundle: caBundle, vaultURLs: vaultURLs,
            // Always verified; `false` only takes effect for the loopback overrides above.
            verifyChallengeResource: vaultURLs.isEmpty, concurrency: concurrency, logger: logger
        )
        configuration.constructPEMChain = constructPEMChain
        configuration.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
        let provider = SecretsStoreProvider(configuration: configuration)
        let server = CSIProviderServer(
            socketPath: socketPath, provider: provider,
            options: .init(mountTimeout: deadline, maximumResponseBytes: maxResponseSize),
            gracePeriod: grace, logger: logger
        )
        let healthz = HealthzEndpoint(
            host: healthzAddress, port: healthzPort, path: healthzPath, socketPath: socketPath, timeout: healthTimeout,
            logger: logger, onListening: { [logger] port in logger.info("health endpoint listening", metadata: ["port": "\(port)", "path": "\(healthzPath)"]) }
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: server), .init(service: healthz)],
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
            ]
        )
        do {
            try await group.run()
        } catch {
            try? await transport.shutdown()
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        try? await transport.shutdown()
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

import ArgumentParser
import AzureCore
import CommandSupport
import Foundation
import Logging
import SecretsStoreProvider

/// `akv-mount doctor`: the mount's path one step at a time, without writing anything.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Find out why a mount fails: run the mount's path step by step, without writing anything (exit 0 when every check passes, 1 when one fails).",
        discussion: """
            One line per check: ✓ or ✗, what was checked, and for ✗ the cause and the fix. The steps: 1 the manifest \
            and the identity mode chosen from it, 2 the cloud and the vault URL, 3 the identity (IMDS, the \
            service-account token and its exchange, or the service principal's secret), 4 Key Vault's challenge \
            (tenant, resource) and the token's audience, 5 reading each object, 6 converting it, 7 the target \
            directory (with --target). It stops only where a later step needs an earlier one. No secret value, \
            token or client secret is printed.
            """
    )

    /// The output formats.
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong("spc"), help: "The SecretProviderClass manifest (YAML).")
    var spcFile: String

    @Option(name: .customLong("name"), help: "Which SecretProviderClass to use when the file holds several.")
    var className: String?

    @Option(name: .customLong("attributes"), help: "The driver's mount attributes (JSON object of strings: pod, namespace, serviceAccount.tokens).")
    var attributesFile: String?

    @Option(name: .customLong("secrets"), help: "The node-publish secret (JSON object with clientid and clientsecret).")
    var secretsFile: String?

    @Option(name: .customLong("ca-bundle"), help: "Extra trust roots (PEM), for Azure Stack or emulators. SSL_CERT_FILE is honoured too.")
    var caBundle: String?

    @Option(name: .customLong("vault-url"), help: "Override a vault's URL: NAME=URL (repeatable).")
    var vaultURLs: [String] = []

    @Flag(name: .customLong("no-verify-challenge-resource"), help: "Do not check Key Vault's challenge resource against the vault host (loopback emulators only).")
    var noVerifyChallengeResource = false

    @Option(name: .customLong("target"), help: "Also check this target directory: writable, and enough free space. Nothing is written.")
    var target: String?

    @Option(name: .customLong("output"), help: "text (default) or json (one JSON record per step, one per line).")
    var output: Output = .text

    @Option(name: .customLong("log-level"), help: "Library log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "critical"

    func run() async throws {
        var logger = Logger(label: "akv-mount", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = try CommandSupport.logLevel(logLevel)
        let yaml = try CommandSupport.readText(spcFile, what: "--spc")
        var attributes: [String: String] = [:]
        if let attributesFile {
            attributes = try MountRequest.decodeStringMap(try CommandSupport.readData(attributesFile, what: "--attributes"), what: "attributes")
        }
        var secrets: [String: String] = [:]
        if let secretsFile {
            secrets = try MountRequest.decodeStringMap(try CommandSupport.readData(secretsFile, what: "--secrets"), what: "secrets")
        }
        let report = try await CommandSupport.withProviderConfiguration(
            environment: ProcessInfo.processInfo.environment, caBundle: caBundle, vaultURLs: vaultURLs,
            verifyChallengeResource: !noVerifyChallengeResource, concurrency: 1, logger: logger
        ) { configuration in
            await MountDoctor(configuration: configuration).diagnose(
                manifest: yaml, className: className, source: spcFile, attributes: attributes, secrets: secrets, target: target
            )
        }
        switch output {
        case .text: print(report.text)
        case .json: print(try report.jsonLines())
        }
        if !report.succeeded { throw ExitCode.failure }
    }
}

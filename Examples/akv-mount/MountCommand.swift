import CommandSupport
import ArgumentParser
import AzureCore
import Foundation
import Logging
import MountWriter
import SecretsStoreProvider

/// `akv-mount mount`: a `SecretProviderClass` into a directory, once or rotating.
struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount the objects of a SecretProviderClass into a directory (once, or rotating until interrupted)."
    )

    @Option(name: .customLong("spc"), help: "The SecretProviderClass manifest (YAML; other documents in the file are ignored).")
    var spcFile: String

    @Option(name: .customLong("name"), help: "Which SecretProviderClass to use when the file holds several.")
    var className: String?

    @Option(name: .customLong("attributes"), help: "The driver's mount attributes (JSON object of strings: pod name, namespace, serviceAccount.tokens, ...).")
    var attributesFile: String?

    @Option(name: .customLong("secrets"), help: "The node-publish secret (JSON object with clientid and clientsecret).")
    var secretsFile: String?

    @Option(name: .customLong("target"), help: "The directory to write the files into.")
    var target: String

    @Option(name: .customLong("rotation-interval"), help: "Keep rotating at this interval (for example 2m, 30s) until SIGINT/SIGTERM.")
    var rotationInterval: String?

    @Option(name: .customLong("ca-bundle"), help: "Extra trust roots (PEM), for Azure Stack or emulators. SSL_CERT_FILE is honoured too.")
    var caBundle: String?

    @Option(name: .customLong("vault-url"), help: "Override a vault's URL: NAME=URL (repeatable), for emulators and private DNS.")
    var vaultURLs: [String] = []

    @Flag(name: .customLong("no-verify-challenge-resource"), help: "Do not check that Key Vault's challenge resource matches the vault host (emulators only).")
    var noVerifyChallengeResource = false

    @Option(name: .customLong("pod-name"), help: "Pod name when no attributes file gives one.")
    var podName = "akv-mount"

    @Option(name: .customLong("pod-namespace"), help: "Pod namespace when no attributes file gives one.")
    var podNamespace = "default"

    @Option(name: .customLong("concurrency"), help: "Key Vault requests in flight per mount.")
    var concurrency = 8

    @Option(name: .customLong("timeout"), help: "The overall deadline of one mount (each rotation round): requests, retries, Retry-After waits and the lock all end by it.")
    var timeout = "2m"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    /// The shortest `--rotation-interval` accepted: a shorter one would hammer the vault (every round lists and
    /// reads every object).
    static let minimumRotationInterval: Duration = .seconds(1)

    func run() async throws {
        // Every flag is checked before anything is created, so a bad one exits with a plain message.
        var logger = Logger(label: "akv-mount", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = try CommandSupport.logLevel(logLevel)
        let interval = try rotationInterval.map { text in
            guard let interval = CommandSupport.parseDuration(text) else {
                throw ValidationError("--rotation-interval \(text) is not a duration such as 30s, 2m or 1h")
            }
            guard interval >= Self.minimumRotationInterval else {
                throw ValidationError("--rotation-interval \(text) is shorter than the minimum of 1s (every round reads every object from Key Vault)")
            }
            return interval
        }
        guard let mountTimeout = CommandSupport.parseDuration(timeout) else {
            throw ValidationError("--timeout \(timeout) is not a duration such as 30s, 2m or 1h")
        }
        let environment = ProcessInfo.processInfo.environment
        let request = try loadRequest()
        let succeeded = try await CommandSupport.withProviderConfiguration(
            environment: environment, caBundle: caBundle, vaultURLs: vaultURLs,
            verifyChallengeResource: !noVerifyChallengeResource, concurrency: concurrency, logger: logger
        ) { base in
            var configuration = base
            configuration.mountTimeout = mountTimeout
            return try await run(provider: KeyVaultProvider(configuration: configuration), request: request, interval: interval)
        }
        if !succeeded { throw ExitCode.failure }
    }

    /// Mounts once or rotates; returns false when a single mount failed (already reported on stderr).
    private func run(provider: KeyVaultProvider, request: MountRequest, interval: Duration?) async throws -> Bool {
        guard let interval else {
            do {
                let outcome = try await provider.mount(request, into: target)
                CommandSupport.printSummary(outcome, target: target)
                return true
            } catch {
                CommandSupport.standardError("akv-mount: \(CommandSupport.message(of: error))")
                return false
            }
        }
        let policy = RotationPolicy(interval: interval)
        let target = self.target
        let spcFile = self.spcFile
        let this = self
        try await CommandSupport.untilInterrupted {
            try await provider.rotate({ try this.loadRequest() }, into: target, policy: policy) { event in
                switch event {
                case .mounted(let round, let outcome):
                    if round == 1 || outcome.write.changed {
                        CommandSupport.printSummary(outcome, target: target)
                    } else {
                        CommandSupport.standardError("akv-mount: round \(round): \(spcFile) unchanged")
                    }
                case .failed(let round, let error, let retryIn):
                    CommandSupport.standardError("akv-mount: round \(round) failed, the files on disk are unchanged; next attempt in \(retryIn): \(error.message)")
                }
            }
        }
        return true
    }

    func loadRequest() throws -> MountRequest {
        let yaml = try CommandSupport.readText(spcFile, what: "--spc")
        let spc = try SecretProviderClass(yaml: yaml, name: className, source: spcFile)
        var attributes: [String: String] = [:]
        if let attributesFile {
            attributes = try MountRequest.decodeStringMap(try CommandSupport.readData(attributesFile, what: "--attributes"), what: "attributes")
        }
        if attributes[ProviderParameters.Key.podName] == nil { attributes[ProviderParameters.Key.podName] = podName }
        if attributes[ProviderParameters.Key.podNamespace] == nil { attributes[ProviderParameters.Key.podNamespace] = podNamespace }
        var secrets: [String: String] = [:]
        if let secretsFile {
            secrets = try MountRequest.decodeStringMap(try CommandSupport.readData(secretsFile, what: "--secrets"), what: "secrets")
        }
        return MountRequest(secretProviderClass: spc, attributes: attributes, secrets: secrets)
    }
}

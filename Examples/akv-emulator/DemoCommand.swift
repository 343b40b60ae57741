import CommandSupport
import ArgumentParser
import AzureCore
import Foundation
import KeyVaultTesting
import Logging
import MountWriter
import SecretsStoreProvider

/// `akv-emulator demo`: the whole flow against the built-in emulators.
///
/// Starts Entra ID, IMDS, an OIDC issuer and Key Vault on loopback HTTPS with the sample seed, mounts the user's
/// three `SecretProviderClass`es (Service Connector with the add-on identity, workload identity, user-assigned
/// managed identity) and a service-principal one, prints the trees, then rotates a secret and shows the change.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Mount the sample SecretProviderClasses against the built-in emulators, then rotate a secret."
    )

    @Option(name: .customLong("target"), help: "Where to mount (default: a new temporary directory).")
    var target: String?

    @Option(name: .customLong("manifests"), help: "The folder holding the sample SecretProviderClasses.")
    var manifests: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel = "warning"

    func run() async throws {
        var logger = Logger(label: "akv-mount", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = try CommandSupport.logLevel(logLevel)
        let root = target ?? FileManager.default.temporaryDirectory.appendingPathComponent("akv-mount-demo-\(getpid())").path
        let manifestFolder = try DemoScenarios.manifestFolder(explicit: manifests)

        print("Starting the emulators (Entra ID, IMDS, OIDC issuer, Key Vault) on loopback HTTPS...")
        // The emulators' own logger stays quiet: their servers report shutdown cancellations as errors.
        var emulatorLogger = logger
        emulatorLogger.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: .sample, logger: emulatorLogger)
        do {
            try await runDemo(emulators: emulators, root: root, manifestFolder: manifestFolder, logger: logger)
            await emulators.stop()
        } catch {
            await emulators.stop()
            CommandSupport.standardError("akv-emulator demo: \(CommandSupport.message(of: error))")
            throw ExitCode.failure
        }
    }

    private func runDemo(emulators: AzureEmulators, root: String, manifestFolder: URL, logger: Logger) async throws {
        let transport = try AsyncHTTPClientTransport(configuration: .init(caBundlePath: emulators.caFile.path), environment: [:])
        do {
            try await runScenarios(emulators: emulators, transport: transport, root: root, manifestFolder: manifestFolder, logger: logger)
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try? await transport.shutdown()
    }

    private func runScenarios(
        emulators: AzureEmulators, transport: AsyncHTTPClientTransport, root: String, manifestFolder: URL, logger: Logger
    ) async throws {
        for (name, value) in emulators.environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("AZURE_AUTHORITY") || name.hasPrefix("AZURE_POD") {
            print("  \(name)=\(value)")
        }
        let configuration = ProviderConfiguration(
            transport: transport,
            authorityHost: emulators.entra.authorityHost,
            imdsEndpoint: emulators.imds.endpoint,
            vaultURLs: emulators.vaultURLs,
            verifyChallengeResource: false,
            logger: logger
        )
        let provider = KeyVaultProvider(configuration: configuration)
        let scenarios = try DemoScenarios.all(emulators: emulators, manifestFolder: manifestFolder)
        print("Mounting into \(root)\n")
        for scenario in scenarios {
            let directory = root + "/" + scenario.name
            let started = ContinuousClock.now
            let outcome = try await provider.mount(scenario.request, into: directory)
            let elapsed = ContinuousClock.now - started
            print("== \(scenario.title)")
            print("   SecretProviderClass \(scenario.name), identity: \(scenario.identity)")
            print("   \(outcome.result.files.count) files in \(directory) (\(elapsed.formatted(.units(allowed: [.milliseconds]))))")
            DemoScenarios.printTree(outcome.result.files, directory: directory)
            print("")
        }

        // Rotation: a new version of secret1 in the emulator, then the workload-identity class mounted again.
        guard let rotating = scenarios.first(where: { $0.name == "azure-kvname-wi" }) else { return }
        let directory = root + "/" + rotating.name
        let file = directory + "/secret1"
        // The user-visible name is a symlink into ..data; the size is the data file's.
        let dataFile = directory + "/..data/secret1"
        let sizeBefore = (try? FileManager.default.attributesOfItem(atPath: dataFile)[.size] as? Int) ?? 0
        let versionBefore = try await provider.fetch(rotating.request).objectVersions["secret/secret1"] ?? "?"
        let newValue = "secret1 rotated at \(ISO8601DateFormatter().string(from: Date()))"
        let version = try await emulators.keyVault.setSecret(vault: AzureEmulatorSeed.Sample.vaultName, name: "secret1", value: newValue)
        print("== Rotation: Key Vault now holds secret1 version \(version)")
        let outcome = try await provider.mount(rotating.request, into: directory)
        let sizeAfter = (try? FileManager.default.attributesOfItem(atPath: dataFile)[.size] as? Int) ?? 0
        print("   changed: \(outcome.write.changed), updated files: \(outcome.write.updated), new data dir \(outcome.write.dataDirectory)")
        print("   \(file): version \(versionBefore) (\(sizeBefore) bytes) -> \(outcome.result.objectVersions["secret/secret1"] ?? "?") (\(sizeAfter) bytes)")
        let again = try await provider.mount(rotating.request, into: directory)
        print("   mounting again without a change: changed = \(again.write.changed)")
    }
}

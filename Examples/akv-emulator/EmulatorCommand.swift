import CommandSupport
import ArgumentParser
import Foundation
import KeyVaultTesting
import Logging
import Yams
#if canImport(Glibc)
import Glibc
#endif

/// `akv-emulator serve`: the Entra ID, IMDS, OIDC issuer and Key Vault emulators on loopback HTTPS, seeded from a
/// file or the built-in sample, until interrupted.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Azure emulators (Entra ID, IMDS, OIDC issuer, Key Vault) on loopback HTTPS until interrupted.",
        discussion: """
            Prints the endpoints, the CA file and the variables to export. Each vault listens on its own port: give \
            clients its URL (AKV_EMULATOR_VAULT_URL_<NAME>) as the vault URL, trust SSL_CERT_FILE, and turn \
            challenge-resource verification off (the vault is a loopback address, not a Key Vault host name). Without --seed the \
            built-in sample is used (vault sample-kv, the identities of the three AKS scenarios and a service principal).
            """
    )

    @Option(name: .long, help: "A seed file, JSON (or YAML when it ends in .yaml or .yml).")
    var seed: String?

    @Option(name: .customLong("env-file"), help: "Write KEY=value lines to this file (mode 0600), ending with AKV_EMULATOR_READY=1 once serving.")
    var envFile: String?

    @Option(name: .customLong("state-dir"), help: "Where to write the CA file and service-account tokens (default: a new temporary folder).")
    var stateDirectory: String?

    @Flag(name: .long, help: "Log every request (never secret values or tokens).")
    var verbose = false

    @Option(name: .long, help: "Key Vault latency added to every request, for example 20ms (overrides the seed's keyVaultLatency).")
    var latency: String?

    @Option(name: .customLong("latency-jitter"), help: "Spread the latency uniformly by this much either way, for example 5ms.")
    var latencyJitter: String?

    @Option(name: .customLong("rate-limit"), help: "Every vault answers 429 once REQUESTS per WINDOW are spent: REQUESTS/WINDOW, for example 400/1s or 4000/10s.")
    var rateLimit: String?

    @Option(name: .customLong("retry-after"), help: "What each 429 of --rate-limit says: SECONDS for a fixed Retry-After, or `window` for the rest of the window (x-ms-retry-after-ms, and Retry-After rounded up). Default: no Retry-After.")
    var retryAfter: String?

    @Option(name: .customLong("stats-file"), help: "On SIGUSR1, write every vault's request counts (total, per status) to this file as JSON, for measuring clients from outside.")
    var statsFile: String?

    func run() async throws {
        var logger = Logger(label: "akv-emulator", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = verbose ? .debug : .critical
        var (seedValue, seedDirectory) = try loadSeed()
        try applyMeasurementFlags(to: &seedValue)
        let state = stateDirectory.map { URL(fileURLWithPath: $0) }
        let emulators = try await AzureEmulators.start(
            seed: seedValue, seedDirectory: seedDirectory, stateDirectory: state, logger: logger)
        let environment = emulators.environment
        do {
            // Before the environment file says ready: a SIGUSR1 sent at once must find the handler, not the default
            // action (which ends the process).
            let statsSource = statsFile.map { writeStatistics(of: emulators, to: $0) }
            defer { statsSource?.cancel() }
            Self.say(summary(emulators))
            if let envFile {
                try writeEnvironment(environment, to: envFile)
                Self.say("environment written to \(envFile)")
            }
            Self.say("serving; stop with Ctrl-C (SIGINT) or SIGTERM")
            try await CommandSupport.untilInterrupted(program: "akv-emulator") {
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
        } catch {
            await shutdown(emulators)
            throw error
        }
        await shutdown(emulators)
    }

    /// `--latency`, `--latency-jitter`, `--rate-limit` and `--retry-after` over the seed's own settings.
    private func applyMeasurementFlags(to seed: inout AzureEmulatorSeed) throws {
        func milliseconds(_ text: String, _ flag: String) throws -> Double {
            guard let duration = CommandSupport.parseDuration(text) else {
                throw CommandError("\(flag) \(text): expected a duration such as 20ms or 1s")
            }
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        if let latency {
            seed.keyVaultLatency = .init(
                milliseconds: try milliseconds(latency, "--latency"),
                jitterMilliseconds: try latencyJitter.map { try milliseconds($0, "--latency-jitter") }
            )
        }
        if let rateLimit {
            let parts = rateLimit.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let requests = Int(parts[0]), requests >= 0 else {
                throw CommandError("--rate-limit \(rateLimit): expected REQUESTS/WINDOW, for example 400/1s")
            }
            let window = try milliseconds(parts[1], "--rate-limit") / 1000
            var seconds: Int?
            let tellsRemainder = retryAfter == "window"
            if let retryAfter, !tellsRemainder {
                guard let value = Int(retryAfter), value >= 0 else {
                    throw CommandError("--retry-after \(retryAfter): expected whole seconds or `window`")
                }
                seconds = value
            }
            for index in seed.vaults.indices {
                seed.vaults[index].rateLimit = .init(
                    requestsPerWindow: requests, windowSeconds: window, retryAfterSeconds: seconds, tellsWindowRemainder: tellsRemainder)
            }
        }
    }

    /// On every SIGUSR1, writes `{"<vault>": {"total": n, "byStatus": {"200": n, "429": n, ...}}, ...}` to `path`
    /// (through a temporary file and a rename, so a reader never sees half of it).
    private func writeStatistics(of emulators: AzureEmulators, to path: String) -> any DispatchSourceSignal {
        signal(SIGUSR1, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        let vaults = emulators.seed.vaults.map(\.name)
        source.setEventHandler {
            Task {
                var statistics: [String: [String: Any]] = [:]
                for vault in vaults {
                    let counters = await emulators.keyVault.counters(vault: vault)
                    var byStatus: [String: Int] = [:]
                    for (status, count) in counters.byStatus { byStatus[String(status)] = count }
                    statistics[vault] = ["total": counters.total, "byStatus": byStatus]
                }
                guard let data = try? JSONSerialization.data(withJSONObject: statistics, options: [.sortedKeys]) else { return }
                let temporary = path + ".tmp"
                if FileManager.default.createFile(atPath: temporary, contents: data) { _ = rename(temporary, path) }
            }
        }
        source.resume()
        return source
    }

    private func shutdown(_ emulators: AzureEmulators) async {
        await emulators.stop()
        if let envFile { try? FileManager.default.removeItem(atPath: envFile) }
        CommandSupport.standardError("akv-emulator: emulators stopped")
    }

    private func loadSeed() throws -> (AzureEmulatorSeed, URL?) {
        guard let seed else { return (.sample, nil) }
        let url = URL(fileURLWithPath: seed)
        // A seed holds whole vaults (a benchmark's thousands of secrets), so it may be far larger than a manifest.
        let data = try CommandSupport.readData(seed, what: "--seed", limit: 256 << 20)
        do {
            let lower = seed.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
                return (try YAMLDecoder().decode(AzureEmulatorSeed.self, from: data), url.deletingLastPathComponent())
            }
            return (try AzureEmulatorSeed.decode(json: data), url.deletingLastPathComponent())
        } catch {
            throw CommandError("--seed \(seed): not a valid seed (\(error))")
        }
    }

    private func summary(_ emulators: AzureEmulators) -> String {
        let environment = emulators.environment
        var lines: [String] = ["Azure emulators (loopback HTTPS, CA \(emulators.caFile.path))"]
        lines.append("  Entra ID       \(emulators.entra.authorityHost.absoluteString)")
        lines.append("  IMDS           \(emulators.imds.endpoint.absoluteString)")
        lines.append("  OIDC issuer    \(emulators.oidcIssuer.issuer)")
        for vault in emulators.seed.vaults {
            let url = emulators.vaultURLs[vault.name]?.absoluteString ?? "(not serving)"
            lines.append("  Key Vault      \(vault.name) -> \(url) (tenant \(vault.tenantID))")
        }
        for tenant in emulators.seed.tenants {
            lines.append("  tenant \(tenant.id)")
            for application in tenant.applications ?? [] {
                let label = application.name.map { " (\($0))" } ?? ""
                lines.append("    application  client \(application.clientID) object \(application.objectID)\(label)"
                    + (application.secret == nil ? "" : ", has a client secret"))
            }
            for identity in tenant.managedIdentities ?? [] {
                let label = identity.name.map { " (\($0))" } ?? ""
                lines.append("    managed id   client \(identity.clientID) object \(identity.objectID)\(label)")
            }
            for federated in tenant.federatedCredentials ?? [] {
                lines.append("    federated    \(federated.clientID) <- \(federated.subject)")
            }
        }
        lines.append("")
        lines.append("export these (or source the --env-file with `set -a`):")
        for key in environment.keys.sorted() {
            if key == "AZURE_CLIENT_SECRET" {
                lines.append("# \(key) is not printed: it is in the seed (and in the --env-file)")
            } else {
                lines.append("export \(key)=\(Self.quoted(environment[key] ?? ""))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func writeEnvironment(_ environment: [String: String], to path: String) throws {
        var text = "# written by akv-emulator serve; removed when it stops\n"
        for key in environment.keys.sorted() {
            text += "\(key)=\(Self.quoted(environment[key] ?? ""))\n"
        }
        text += "AKV_EMULATOR_READY=1\n"
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        guard FileManager.default.createFile(
            atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]
        ), rename(temporary.path, url.path) == 0 else {
            throw CommandError("--env-file \(path): cannot write the file")
        }
    }

    /// Writes a line to standard output at once (no buffering, so a parent process sees it while serving).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Shell-safe: plain when only safe characters, otherwise single-quoted.
    static func quoted(_ value: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+,=-")
        if !value.isEmpty, value.unicodeScalars.allSatisfy({ safe.contains($0) }) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

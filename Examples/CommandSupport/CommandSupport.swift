import AzureCore
import Foundation
import Logging
import MountWriter
import SecretsStoreProvider
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the command-line tools (`akv-mount`, `akv-emulator`, `akv-csi-provider`): reading inputs,
/// building the provider configuration, printing summaries (names, modes and sizes, never contents), signals.
public enum CommandSupport {
    public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The user-facing text of an error: the provider's message, or the error's description.
    public static func message(of error: any Error) -> String {
        if let error = error as? SecretsStoreProviderError { return error.message }
        return String(describing: error)
    }

    public static func readData(_ path: String, what: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandError("\(what) \(path): cannot read the file (\(error.localizedDescription))")
        }
    }

    public static func readText(_ path: String, what: String) throws -> String {
        String(decoding: try readData(path, what: what), as: UTF8.self)
    }

    /// Builds the provider configuration: AsyncHTTPClient transport with extra trust roots (`--ca-bundle` or
    /// `SSL_CERT_FILE`), proxies from the environment, endpoint overrides from the standard variables. The caller
    /// shuts the returned transport down when done.
    public static func providerConfiguration(
        environment: [String: String],
        caBundle: String?,
        vaultURLs: [String],
        verifyChallengeResource: Bool,
        concurrency: Int,
        logger: Logger
    ) throws -> (ProviderConfiguration, AsyncHTTPClientTransport) {
        let bundle = caBundle ?? environment["SSL_CERT_FILE"]
        let transport = try AsyncHTTPClientTransport(
            configuration: .init(caBundlePath: bundle, maximumConnectionsPerHost: max(8, concurrency)), environment: environment
        )
        var overrides: [String: URL] = [:]
        for entry in vaultURLs {
            guard let equals = entry.firstIndex(of: "="), let url = URL(string: String(entry[entry.index(after: equals)...])),
                url.scheme != nil
            else {
                throw CommandError("--vault-url \(entry): expected NAME=URL, for example sample-kv=https://127.0.0.1:8443")
            }
            overrides[String(entry[..<equals])] = url
        }
        let configuration = ProviderConfiguration(
            transport: transport,
            environment: environment,
            authorityHost: environment["AZURE_AUTHORITY_HOST"].flatMap { URL(string: $0) },
            imdsEndpoint: environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { URL(string: $0) },
            vaultURLs: overrides,
            verifyChallengeResource: verifyChallengeResource,
            maxConcurrentRequests: max(1, concurrency),
            logger: logger
        )
        return (configuration, transport)
    }

    /// Parses `30s`, `2m`, `1h`, `500ms` or a plain number of seconds: finite, positive, at most 30 days.
    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if suffix == "s" && text.hasSuffix("ms") { continue }
            seconds = Double(text.dropLast(suffix.count)).map { $0 * factor }
            break
        }
        guard let value = seconds ?? Double(text), value.isFinite, value > 0, value <= 30 * 86_400 else { return nil }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    /// Prints what a mount wrote: one line per file with its mode and size, and the object versions.
    public static func printSummary(_ outcome: MountOutcome, target: String) {
        let write = outcome.write
        let state = write.changed ? "updated" : "unchanged"
        print("\(target): \(outcome.result.files.count) files, \(state) (data \(write.dataDirectory))")
        for file in outcome.result.files {
            let mark = write.added.contains(file.path) ? "+" : write.updated.contains(file.path) ? "~" : " "
            print("  \(mark) \(file.path)  \(String(format: "%04o", file.mode))  \(file.contents.count) bytes")
        }
        for removed in write.removed { print("  - \(removed)") }
        for (id, version) in outcome.result.objectVersions.sorted(by: { $0.key < $1.key }) {
            print("    \(id) @ \(version)")
        }
    }

    /// Runs `body` until it returns or SIGINT/SIGTERM arrives, which cancels it cleanly.
    public static func untilInterrupted(program: String = "akv-mount", _ body: @escaping @Sendable () async throws -> Void) async throws {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let task = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                standardError("\(program): \(number == SIGINT ? "SIGINT" : "SIGTERM") received, stopping")
                task.cancel()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch is CancellationError {
            return
        }
    }
}

/// A command-line error with a message for the user.
public struct CommandError: Error, CustomStringConvertible {
    /// The message.
    public var description: String
    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}

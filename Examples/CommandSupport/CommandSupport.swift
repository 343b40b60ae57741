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

    /// The largest input file read (a manifest, attributes or secrets): 4 MiB, far above any real one.
    public static let maximumInputBytes = 4 << 20

    /// Reads a small input file, with plain errors: a directory, a missing or unreadable file, a device or a file
    /// above `limit` (default ``maximumInputBytes``) are each named as such (`/dev/zero` is refused, never read
    /// without end).
    /// - Throws: ``CommandError`` naming the flag and the path.
    public static func readData(_ path: String, what: String, limit: Int = maximumInputBytes) throws -> Data {
        func fail(_ reason: String) -> CommandError { CommandError("\(what) \(path): \(reason)") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT: throw fail("no such file")
            case EACCES: throw fail("permission denied")
            case ENOTDIR: throw fail("a component of the path is not a directory")
            default: throw fail("cannot read the file (\(String(cString: strerror(errno))))")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("is a directory, not a file")
        case S_IFIFO: break  // a pipe, such as <(...) from a shell: read to its end, within the limit
        default: throw fail("is not a regular file (a device or socket)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw fail(errno == EACCES ? "permission denied" : "cannot open the file (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw fail("cannot read the file (\(String(cString: strerror(errno))))")
        }
        guard data.count <= limit else { throw fail("is larger than \(limit >> 20) MiB") }
        return data
    }

    /// Reads a small text file that must be UTF-8 (a manifest).
    /// - Throws: ``CommandError`` naming the byte offset of the first invalid UTF-8 sequence, or a read error.
    public static func readText(_ path: String, what: String) throws -> String {
        let data = try readData(path, what: what)
        if let text = String(validating: data, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: break decoding
            case .error: break decoding
            }
        }
        throw CommandError("\(what) \(path): not valid UTF-8 (an invalid byte sequence at byte \(offset))")
    }

    /// Checks `--vault-url NAME=URL` entries: each needs a name and an absolute `http(s)` URL with a host.
    /// - Throws: ``CommandError`` naming the entry.
    public static func vaultURLOverrides(_ entries: [String]) throws -> [String: URL] {
        var overrides: [String: URL] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex,
                let url = URL(string: String(entry[entry.index(after: equals)...])),
                let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host?.isEmpty == false
            else {
                throw CommandError("--vault-url \(entry): expected NAME=URL, for example sample-kv=https://127.0.0.1:8443")
            }
            overrides[String(entry[..<equals])] = url
        }
        return overrides
    }

    /// Runs `body` with a provider configuration and shuts its transport down afterwards, whether `body` returns or
    /// throws: AsyncHTTPClient transport with extra trust roots (`--ca-bundle` or `SSL_CERT_FILE`), proxies from the
    /// environment, endpoint overrides from the standard variables.
    ///
    /// Every input is checked before the transport exists, so a bad flag never leaves an `HTTPClient` that was not
    /// shut down (which traps in debug builds); a command validates its own flags before calling this.
    public static func withProviderConfiguration<Result>(
        environment: [String: String],
        caBundle: String?,
        vaultURLs: [String],
        verifyChallengeResource: Bool,
        concurrency: Int,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProviderConfiguration) async throws -> sending Result
    ) async throws -> sending Result {
        let overrides = try vaultURLOverrides(vaultURLs)
        guard concurrency >= 1 else { throw CommandError("--concurrency \(concurrency): must be at least 1") }
        let bundle = caBundle ?? environment["SSL_CERT_FILE"]
        return try await AsyncHTTPClientTransport.withTransport(
            configuration: .init(caBundlePath: bundle, maximumConnectionsPerHost: max(8, concurrency)), environment: environment
        ) { transport in
            let configuration = ProviderConfiguration(
                transport: transport,
                environment: environment,
                authorityHost: environment["AZURE_AUTHORITY_HOST"].flatMap { URL(string: $0) },
                imdsEndpoint: environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { URL(string: $0) },
                vaultURLs: overrides,
                verifyChallengeResource: verifyChallengeResource,
                maxConcurrentRequests: concurrency,
                logger: logger
            )
            return try await body(configuration)
        }
    }

    /// Parses a `--log-level` value.
    /// - Throws: ``CommandError`` listing the accepted levels.
    public static func logLevel(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandError("--log-level \(text): not a log level; use one of \(names)")
        }
        return level
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
        // Standard output is block-buffered when it is a pipe: each round's lines leave now, not at exit (and are
        // not lost to a SIGKILL).
        fflush(nil)
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

import AzureCore
import Foundation
import Logging
import MountWriter

/// How a ``KeyVaultProvider`` reaches Azure and writes files: everything that varies between production, an
/// Azure Stack hub and a test against the emulators.
public struct ProviderConfiguration: Sendable {
    /// The HTTP transport for Entra ID, IMDS and Key Vault. `nil` uses the default AsyncHTTPClient transport.
    public var transport: (any HTTPTransport)?
    /// The environment variables consulted (`AZURE_AUTHORITY_HOST`, `AZURE_POD_IDENTITY_AUTHORITY_HOST`, ...).
    /// Inject it; the provider never reads the process environment itself.
    public var environment: [String: String]
    /// Overrides the cloud's Entra authority host (for example an emulator's URL).
    public var authorityHost: URL?
    /// Overrides the IMDS endpoint (default `http://169.254.169.254`).
    public var imdsEndpoint: URL?
    /// Vault URLs by vault name, overriding `https://<name>.<cloud DNS suffix>/` (for emulators and private
    /// endpoints with custom DNS).
    public var vaultURLs: [String: URL]
    /// Whether a Key Vault challenge's resource must match the vault's domain before a token is sent. `false` is
    /// honoured only for vaults on a loopback address (an emulator): a vault anywhere else is always verified.
    public var verifyChallengeResource: Bool
    /// The most Key Vault requests in flight, per mount and per vault across all mounts (the ceiling of the vault's
    /// adaptive limit: it halves on a 429, waits out `Retry-After`, and grows back while requests succeed; at least
    /// one request always makes progress). Over HTTP/1.1 the transport's connection pool bounds it too: give the
    /// transport at least this many connections per host (the default transport allows 8).
    public var maxConcurrentRequests: Int
    /// The overall deadline of one mount or fetch (default 120 s; `nil`: none). Every wait inside honours it:
    /// requests and their bodies, retries and `Retry-After` (a wait that would end after the deadline is not
    /// started), token requests, and the writer's lock. When it passes the mount fails with
    /// ``SecretsStoreProviderError/Code/timedOut`` and the files on disk stay as they were.
    public var mountTimeout: Duration?
    /// Whether the certificates of a PKCS#12 certificate-backed secret are ordered leaf -> intermediates -> root
    /// (the Go provider's `--construct-pem-chain`, default true). `false` keeps the order of the file's bags.
    public var constructPEMChain: Bool
    /// Whether a certificate-backed secret written as PEM also gives `<file>.crt` (its certificates) and
    /// `<file>.key` (its private key), before `<file>` itself (the Go provider's
    /// `--write-cert-and-key-in-separate-files`, default false). A secret written with `objectFormat: pfx` gives no
    /// such files (the Go provider writes them empty, its issue #1277).
    public var writeCertAndKeyInSeparateFiles: Bool
    /// The freshness window: within it, a current version fetched for an identity is served again to that identity
    /// without a Key Vault request (default 0, off). A change in Key Vault then appears up to one window later.
    /// Objects pinned to a version are always fetched once.
    public var objectCacheTTL: Duration
    /// The bounds of every cache (entry count and idle time-out).
    public var cacheLimits: ProviderCacheLimits
    /// Where the provider's metrics go (``ProviderMetrics``; default: nowhere).
    public var metrics: ProviderMetrics
    /// Options of the atomic writer (fsync, path policy).
    public var writerOptions: AtomicDirectoryWriter.Options
    /// The logger. Secret values, tokens and client secrets never reach it.
    public var logger: Logger

    /// Creates a configuration.
    /// - Parameters:
    ///   - transport: The HTTP transport, or nil for the default.
    ///   - environment: The environment variables to honour.
    ///   - authorityHost: An Entra authority host override.
    ///   - imdsEndpoint: An IMDS endpoint override.
    ///   - vaultURLs: Vault URL overrides by vault name.
    ///   - verifyChallengeResource: Whether to verify the challenge resource (default true).
    ///   - maxConcurrentRequests: Requests in flight per mount (default 8).
    ///   - mountTimeout: The overall deadline of one mount (default 120 s; `nil`: none).
    ///   - constructPEMChain: Order PKCS#12 chains leaf -> root (default true).
    ///   - writeCertAndKeyInSeparateFiles: Also write `.crt` and `.key` files for certificate-backed secrets.
    ///   - objectCacheTTL: The freshness window (default 0, off).
    ///   - cacheLimits: The bounds of the caches.
    ///   - metrics: Where metrics go (default ``ProviderMetrics/disabled``).
    ///   - writerOptions: Atomic writer options.
    ///   - logger: The logger (swift-log); default: no logging.
    public init(
        transport: (any HTTPTransport)? = nil,
        environment: [String: String] = [:],
        authorityHost: URL? = nil,
        imdsEndpoint: URL? = nil,
        vaultURLs: [String: URL] = [:],
        verifyChallengeResource: Bool = true,
        maxConcurrentRequests: Int = 8,
        mountTimeout: Duration? = .seconds(120),
        constructPEMChain: Bool = true,
        writeCertAndKeyInSeparateFiles: Bool = false,
        objectCacheTTL: Duration = .zero,
        cacheLimits: ProviderCacheLimits = .init(),
        metrics: ProviderMetrics = .disabled,
        writerOptions: AtomicDirectoryWriter.Options = .init(),
        logger: Logger = Logger(label: "SecretsStoreProvider", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.transport = transport
        self.environment = environment
        self.authorityHost = authorityHost
        self.imdsEndpoint = imdsEndpoint
        self.vaultURLs = vaultURLs
        self.verifyChallengeResource = verifyChallengeResource
        self.maxConcurrentRequests = maxConcurrentRequests
        self.mountTimeout = mountTimeout
        self.constructPEMChain = constructPEMChain
        self.writeCertAndKeyInSeparateFiles = writeCertAndKeyInSeparateFiles
        self.objectCacheTTL = objectCacheTTL
        self.cacheLimits = cacheLimits
        self.metrics = metrics
        self.writerOptions = writerOptions
        self.logger = logger
    }
}

public import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// The default ``HTTPTransport``, on AsyncHTTPClient: pooled connections, connect/read timeouts and a request
/// deadline, extra trust roots from a CA bundle file, `HTTPS_PROXY`/`NO_PROXY`, redirects disabled, and plain
/// `http` refused unless the host is loopback (or ``Configuration/allowsInsecureHTTP`` is set).
///
/// A transport built with ``init(configuration:environment:)`` owns its `HTTPClient`s: call ``shutdown()`` (or use
/// ``withTransport(configuration:environment:isolation:_:)``). ``shared`` uses `HTTPClient.shared` and needs no shutdown.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// Settings of an owned transport.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (TCP + TLS).
        public var connectTimeout: Duration
        /// Time allowed between bytes when reading a response.
        public var readTimeout: Duration
        /// Overall deadline for one request, including reading the body.
        public var requestTimeout: Duration
        /// A PEM file of extra CA certificates trusted in addition to the system roots.
        public var caBundlePath: String?
        /// Extra PEM CA certificates trusted in addition to the system roots.
        public var additionalTrustRootsPEM: [String]
        /// An explicit proxy; when `nil` the proxy is read from the environment (`HTTPS_PROXY`, `NO_PROXY`).
        public var proxy: ProxySettings?
        /// Whether to ignore the environment's proxy variables.
        public var ignoresEnvironmentProxy: Bool
        /// Allow plain `http` to non-loopback hosts. Off by default: Entra and Key Vault are HTTPS only.
        public var allowsInsecureHTTP: Bool
        /// The largest response body accepted.
        public var maximumResponseBytes: Int
        /// Soft limit of concurrent HTTP/1 connections per host.
        public var maximumConnectionsPerHost: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - connectTimeout: Connect timeout (default 10 s).
        ///   - readTimeout: Read timeout (default 60 s).
        ///   - requestTimeout: Overall per-request deadline (default 120 s).
        ///   - caBundlePath: Extra CA bundle file.
        ///   - additionalTrustRootsPEM: Extra CA certificates as PEM.
        ///   - proxy: Explicit proxy.
        ///   - ignoresEnvironmentProxy: Ignore `HTTPS_PROXY`.
        ///   - allowsInsecureHTTP: Allow `http` to non-loopback hosts.
        ///   - maximumResponseBytes: Response size limit (default 16 MiB).
        ///   - maximumConnectionsPerHost: Pool size per host (default 8).
        public init(
            connectTimeout: Duration = .seconds(10),
            readTimeout: Duration = .seconds(60),
            requestTimeout: Duration = .seconds(120),
            caBundlePath: String? = nil,
            additionalTrustRootsPEM: [String] = [],
            proxy: ProxySettings? = nil,
            ignoresEnvironmentProxy: Bool = false,
            allowsInsecureHTTP: Bool = false,
            maximumResponseBytes: Int = 16 << 20,
            maximumConnectionsPerHost: Int = 8
        ) {
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
            self.requestTimeout = requestTimeout
            self.caBundlePath = caBundlePath
            self.additionalTrustRootsPEM = additionalTrustRootsPEM
            self.proxy = proxy
            self.ignoresEnvironmentProxy = ignoresEnvironmentProxy
            self.allowsInsecureHTTP = allowsInsecureHTTP
            self.maximumResponseBytes = maximumResponseBytes
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
        }
    }

    private let directClient: HTTPClient
    private let proxiedClient: HTTPClient?
    private let proxy: ProxySettings?
    private let ownsClients: Bool
    private let requestTimeout: Duration
    private let allowsInsecureHTTP: Bool
    private let maximumResponseBytes: Int

    /// The process-wide client behind ``shared``: system trust roots, no proxy, **redirects disabled** and no
    /// decompression. `HTTPClient.shared` is not used because it follows up to 20 redirects, to any host and from
    /// `https` down to plain `http`, and keeps the body of a 307/308 (a client secret or assertion of a token
    /// request) across origins. Created on first use and never shut down, like `HTTPClient.shared`.
    private static let sharedNoRedirectClient: HTTPClient = {
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(60)),
            proxy: nil,
            decompression: .disabled
        )
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A process-wide transport (system trust roots, no proxy, redirects not followed), needing no shutdown.
    public static var shared: AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(client: sharedNoRedirectClient)
    }

    /// A process-wide transport (as ``shared``) with its own per-request deadline and HTTP policy, needing no
    /// shutdown.
    /// - Parameters:
    ///   - requestTimeout: Per-request deadline.
    ///   - allowsInsecureHTTP: Allow `http` to non-loopback hosts (for link-local IMDS).
    /// - Returns: The transport.
    public static func sharedClient(requestTimeout: Duration, allowsInsecureHTTP: Bool = false) -> AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(client: sharedNoRedirectClient, requestTimeout: requestTimeout, allowsInsecureHTTP: allowsInsecureHTTP)
    }

    /// The connect timeout of ``instanceMetadata``: a link-local metadata endpoint either answers at once or is
    /// absent (not on Azure), so waiting longer only delays the next credential of a chain.
    public static let instanceMetadataConnectTimeout: Duration = .seconds(2)

    /// The process-wide client behind ``instanceMetadata``: created on first use, never shut down and never
    /// deinitialised (a `static let` lives as long as the process), like `HTTPClient.shared`.
    private static let instanceMetadataClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(Int64(instanceMetadataConnectTimeout.azureSeconds * 1e9)),
                read: .seconds(10)
            ),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4),
            proxy: nil,
            decompression: .disabled
        )
        // A metadata endpoint either answers at once or is not there: the first failed connect fails the request
        // (the IMDS retry policy decides what comes next), instead of AsyncHTTPClient re-dialling with backoff
        // until the request deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A transport for link-local metadata endpoints such as IMDS (`http://169.254.169.254`): a process-wide client
    /// with a short connect timeout (``instanceMetadataConnectTimeout``), a 10 s per-request deadline, plain HTTP
    /// allowed, no proxy and no redirects. It needs no shutdown.
    public static var instanceMetadata: AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(client: instanceMetadataClient, requestTimeout: .seconds(10), allowsInsecureHTTP: true)
    }

    /// Wraps an existing client, which the caller keeps owning. The client's own redirect configuration applies:
    /// configure it with `redirectConfiguration: .disallow` (AsyncHTTPClient follows redirects by default).
    /// - Parameters:
    ///   - client: The client.
    ///   - requestTimeout: Per-request deadline.
    ///   - allowsInsecureHTTP: Allow `http` to non-loopback hosts.
    ///   - maximumResponseBytes: Response size limit.
    public init(
        client: HTTPClient,
        requestTimeout: Duration = .seconds(120),
        allowsInsecureHTTP: Bool = false,
        maximumResponseBytes: Int = 16 << 20
    ) {
        self.directClient = client
        self.proxiedClient = nil
        self.proxy = nil
        self.ownsClients = false
        self.requestTimeout = requestTimeout
        self.allowsInsecureHTTP = allowsInsecureHTTP
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Creates a transport that owns its clients. Call ``shutdown()`` when done.
    /// - Parameters:
    ///   - configuration: Timeouts, trust roots, proxy and limits.
    ///   - environment: Environment variables, for `HTTPS_PROXY`/`NO_PROXY` (inject for tests).
    /// - Throws: ``AzureCoreError`` `invalidConfiguration` for an unreadable CA bundle or bad proxy.
    public init(
        configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        var roots: [NIOSSLCertificate] = []
        do {
            if let path = configuration.caBundlePath {
                roots += try NIOSSLCertificate.fromPEMFile(path)
            }
            for pem in configuration.additionalTrustRootsPEM {
                roots += try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            }
        } catch {
            throw AzureCoreError(
                code: .invalidConfiguration,
                message: "cannot read the extra CA certificates" + (configuration.caBundlePath.map { " from \($0)" } ?? ""),
                underlying: error
            )
        }
        if !roots.isEmpty {
            tls.additionalTrustRoots = [.certificates(roots)]
        }
        let proxy: ProxySettings?
        if let explicit = configuration.proxy {
            proxy = explicit
        } else if configuration.ignoresEnvironmentProxy {
            proxy = nil
        } else {
            proxy = try ProxySettings.fromEnvironment(environment)
        }
        func makeClient(_ proxy: ProxySettings?) -> HTTPClient {
            var config = HTTPClient.Configuration(
                tlsConfiguration: tls,
                redirectConfiguration: .disallow,
                timeout: .init(
                    connect: .nanoseconds(Int64(configuration.connectTimeout.azureSeconds * 1e9)),
                    read: .nanoseconds(Int64(configuration.readTimeout.azureSeconds * 1e9))
                ),
                proxy: proxy.map { .server(host: $0.host, port: $0.port) },
                decompression: .disabled
            )
            config.connectionPool = .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maximumConnectionsPerHost
            )
            return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        }
        self.directClient = makeClient(nil)
        self.proxiedClient = proxy.map { makeClient($0) }
        self.proxy = proxy
        self.ownsClients = true
        self.requestTimeout = configuration.requestTimeout
        self.allowsInsecureHTTP = configuration.allowsInsecureHTTP
        self.maximumResponseBytes = configuration.maximumResponseBytes
    }

    /// Runs a body with an owned transport and shuts it down afterwards, whether the body returns or throws (an
    /// owned transport that is never shut down traps in debug builds).
    /// - Parameters:
    ///   - configuration: The configuration.
    ///   - environment: Environment variables for the proxy settings.
    ///   - isolation: The caller's isolation, which the body runs in.
    ///   - body: Code using the transport.
    /// - Returns: The body's result.
    /// - Throws: What the initialiser or the body throws.
    public static func withTransport<Result>(
        configuration: Configuration = Configuration(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (AsyncHTTPClientTransport) async throws -> sending Result
    ) async throws -> sending Result {
        let transport = try AsyncHTTPClientTransport(configuration: configuration, environment: environment)
        do {
            let result = try await body(transport)
            try? await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Shuts down the owned clients (no-op for a wrapped client).
    /// - Throws: An AsyncHTTPClient shutdown error.
    public func shutdown() async throws {
        guard ownsClients else { return }
        try await directClient.shutdown()
        try await proxiedClient?.shutdown()
    }

    /// Whether requests to a host go through the proxy.
    /// - Parameter host: The host.
    /// - Returns: `true` when a proxy is configured and `NO_PROXY` does not match.
    public func usesProxy(forHost host: String) -> Bool {
        guard let proxy, proxiedClient != nil else { return false }
        return !proxy.bypasses(host: host)
    }

    /// Sends a request and collects the whole response.
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The body, if any.
    /// - Returns: The response.
    /// - Throws: ``AzureCoreError`` (`insecureRequest`, `connectionFailed`, `timedOut`, `responseTooLarge`) with the
    ///   AsyncHTTPClient error as ``AzureCoreError/underlying``; `CancellationError` when the task is cancelled.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        guard let url = request.targetURL, let host = request.targetHost else {
            throw AzureCoreError(code: .insecureRequest, message: "the request has no absolute URL")
        }
        let endpoint = Redaction.endpoint(url)
        switch request.scheme?.lowercased() {
        case "https": break
        case "http" where allowsInsecureHTTP || LoopbackAddress.isLoopback(host): break
        default:
            throw AzureCoreError(
                code: .insecureRequest,
                message: "refusing to send a request over plain HTTP to a non-loopback host",
                endpoint: endpoint
            )
        }
        var outgoing = HTTPClientRequest(url: url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body {
            outgoing.body = .bytes(ByteBuffer(data: body))
        }
        let client = usesProxy(forHost: host) ? proxiedClient! : directClient
        // The request's own timeout, or the operation's deadline when that comes first.
        let timeout = OperationDeadline.remaining.map { min($0, requestTimeout) } ?? requestTimeout
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.azureSeconds * 1e9))
        let bodyDeadline = ContinuousClock.now + timeout
        let limit = maximumResponseBytes
        let prepared = outgoing
        do {
            // AsyncHTTPClient's deadline ends the wait for the response head (its errors, such as connectTimeout,
            // stay precise); the body is then read under the same deadline here, so a body that trickles in (one
            // byte a second) cannot outlast it.
            let response = try await client.execute(prepared, deadline: deadline)
            let timeoutError = AzureCoreError(
                code: .timedOut, message: "the request timed out (the response body did not arrive within \(Int(timeout.azureSeconds.rounded())) s)", endpoint: endpoint
            )
            let body = response.body
            let data = try await OperationDeadline.withDeadline(bodyDeadline, timeoutError: { timeoutError }) {
                var buffer = try await body.collect(upTo: limit)
                return buffer.readData(length: buffer.readableBytes) ?? Data()
            }
            var fields = HTTPFields()
            for header in response.headers {
                if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
            }
            let status = HTTPResponse.Status(code: Int(response.status.code))
            return HTTPTransportResponse(response: HTTPResponse(status: status, headerFields: fields), body: data)
        } catch let error as AzureCoreError {
            throw error
        } catch is NIOTooManyBytesError {
            throw AzureCoreError(code: .responseTooLarge, message: "the response exceeded \(maximumResponseBytes) bytes", endpoint: endpoint)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .deadlineExceeded:
                throw AzureCoreError(code: .timedOut, message: "the request timed out", endpoint: endpoint, underlying: error)
            case .cancelled:
                throw CancellationError()
            default:
                if let failure = Self.certificateVerificationFailure(error, endpoint: endpoint) { throw failure }
                throw AzureCoreError(code: .connectionFailed, message: "the request failed", endpoint: endpoint, underlying: error)
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            if let failure = Self.certificateVerificationFailure(error, endpoint: endpoint) { throw failure }
            throw AzureCoreError(code: .connectionFailed, message: "the request failed", endpoint: endpoint, underlying: error)
        }
    }

    /// A TLS failure because the server's certificate was refused (untrusted issuer, expired, wrong host name), as
    /// ``AzureCoreError/Code/certificateVerificationFailed``: it is not transient, so it is not retried.
    static func certificateVerificationFailure(_ error: any Error & Sendable, endpoint: String) -> AzureCoreError? {
        let text = String(reflecting: error)
        let markers = ["CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "failedToValidateHostname", "unableToValidateCertificate"]
        guard markers.contains(where: { text.contains($0) }) else { return nil }
        return AzureCoreError(
            code: .certificateVerificationFailed,
            message: "the server's TLS certificate was refused (not trusted, expired, or issued for another host); pass the issuing CA with --ca-bundle or SSL_CERT_FILE if it is a private one",
            endpoint: endpoint,
            underlying: error
        )
    }
}

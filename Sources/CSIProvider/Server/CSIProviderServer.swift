import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SecretsStoreProvider
import ServiceLifecycle

/// The provider's gRPC server on a Unix socket: the CSI service (``CSIDriverProviderService``) and the health
/// service (``HealthService``), as a swift-service-lifecycle `Service`.
///
/// At start it removes a stale socket file, refuses a path held by a live server, and binds with mode 0600. On a
/// graceful shutdown (SIGTERM or SIGINT through a `ServiceGroup`) it stops accepting, answers new calls with
/// `unavailable`, lets in-flight mounts finish within ``gracePeriod``, ends the rest with `unavailable`, and removes
/// the socket.
///
/// ```swift
/// let provider = KeyVaultProvider(configuration: ProviderConfiguration(logger: logger))
/// let server = CSIProviderServer(socketPath: "/provider/azure.sock", provider: provider, logger: logger)
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct CSIProviderServer: Service {
    /// The socket path.
    public let socketPath: String
    /// The CSI service.
    public let service: CSIDriverProviderService
    /// How long in-flight mounts may run after a graceful shutdown begins.
    public let gracePeriod: Duration
    /// The shutdown state shared by the services.
    public var gate: ShutdownGate { service.gate }
    /// The logger.
    public let logger: Logger

    /// Creates a server.
    /// - Parameters:
    ///   - socketPath: The Unix socket path (for example `/provider/azure.sock`).
    ///   - provider: The provider that validates and fetches.
    ///   - options: Limits of the CSI service.
    ///   - gracePeriod: How long in-flight mounts may finish after a shutdown begins (default 10 s).
    ///   - logger: The logger.
    public init(
        socketPath: String,
        provider: KeyVaultProvider,
        options: CSIDriverProviderService.Options = .init(),
        gracePeriod: Duration = .seconds(10),
        logger: Logger
    ) {
        self.socketPath = socketPath
        self.service = CSIDriverProviderService(provider: provider, gate: ShutdownGate(), options: options, logger: logger)
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// Serves until a graceful shutdown has drained the in-flight mounts, or until cancelled.
    /// - Throws: ``CSIProviderError`` when the socket cannot be used; the gRPC server's error if it fails.
    public func run() async throws {
        let listener = try UnixSocketListener.listen(at: socketPath)
        defer { listener.removeSocketFile() }
        let transport = HTTP2ServerTransport.Posix(
            listeningSocketDescriptor: Int(listener.descriptor), transportSecurity: .plaintext
        )
        let server = GRPCServer(transport: transport, services: [service, HealthService(gate: gate)])
        logger.info("serving", metadata: ["socket": "\(socketPath)", "version": "\(CSIProviderVersion.runtimeVersion)"])
        let gate = self.gate
        let gracePeriod = self.gracePeriod
        let logger = self.logger
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.serve()
                return true
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                } catch {
                    return false
                }
                logger.info(
                    "shutting down: new mounts are refused; in-flight mounts may finish",
                    metadata: ["grace": "\(gracePeriod)", "inFlight": "\(gate.mountsInFlight)"]
                )
                gate.beginDraining()
                // A shutdown that arrives while the transport is still taking over the socket waits until it has
                // (closing it mid-registration trips a SwiftNIO assertion and races the registration).
                _ = try? await transport.listeningAddress
                server.beginGracefulShutdown()
                do {
                    try await Task.sleep(for: gracePeriod)
                } catch {
                    return false
                }
                logger.warning("grace period over: stopping the mounts still in flight")
                gate.forceStop()
                return false
            }
            // Serving ends when every RPC has finished after a graceful shutdown (or on an error).
            while let servingEnded = try await group.next() {
                if servingEnded { break }
            }
            group.cancelAll()
        }
        logger.info("stopped", metadata: ["socket": "\(socketPath)"])
    }
}
